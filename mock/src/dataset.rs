//! The knowledge base (datasets, collections, data, search test, training usage) over `State`,
//! shaped after FastGPT 4.14.5.1's handlers in `projects/app/src/pages/api/core/dataset/**` and
//! `packages/service/core/dataset/**`. Training is instant: pushed data and text chunks are
//! searchable at once. Files and links are not parsed (FastGPT queues them), so they add no data.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::clock::{iso, now_ms};
use crate::envelope::{is_object_id, ApiError};
use crate::multipart::FilePart;
use crate::routes::Req;
use crate::state::State;

pub type Out = Result<Value, ApiError>;

const VECTOR_MODELS: &[&str] = &["text-embedding-3-small", "text-embedding-ada-002", "mock-embedding"];
const LLM_MODELS: &[&str] = &["gpt-4o-mini", "gpt-4o", "mock-model"];
const DATASET_TYPES: &[&str] =
    &["folder", "dataset", "websiteDataset", "externalFile", "apiDataset", "feishu", "yuque"];
const COLLECTION_TYPES: &[&str] = &["folder", "virtual", "file", "link", "externalFile", "apiFile", "images"];
const TRAINING_TYPES: &[&str] = &["parse", "chunk", "qa", "auto", "image", "imageParse"];
const SEARCH_MODES: &[&str] = &["embedding", "fullTextRecall", "mixedRecall"];
/// `pushData` refuses more items than this in one call (`data/pushData.ts`).
pub const MAX_PUSH: usize = 200;
/// Items whose `q + a` is longer are dropped, as `pushDataListToTrainingQueue` drops oversize ones.
const MAX_ITEM_CHARS: usize = 16_000;
const TMB_ID: &str = "66e29b870b24ce35330c0f00";
const TEAM_ID: &str = "66e29b870b24ce35330c0eff";
/// `searchTest` is limited to this many calls a second (`useIPFrequencyLimit`).
const SEARCH_PER_SECOND: usize = 15;

pub struct Dataset {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: String,
    pub name: String,
    pub intro: String,
    pub avatar: String,
    pub vector_model: String,
    pub agent_model: String,
    pub vlm_model: Option<String>,
    pub update_time: i64,
}

pub struct Collection {
    pub id: String,
    pub dataset_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub kind: String,
    pub training_type: String,
    pub create_time: i64,
    pub update_time: i64,
    pub forbid: bool,
    pub tags: Vec<String>,
    pub metadata: Value,
    pub raw_link: Option<String>,
    pub external_file_id: Option<String>,
    pub api_file_id: Option<String>,
    pub file_id: Option<String>,
    pub file: Option<FilePart>,
    /// chunkSize, indexSize, chunkSettingMode, ... as sent.
    pub settings: Map<String, Value>,
}

pub struct Data {
    pub id: String,
    pub dataset_id: String,
    pub collection_id: String,
    pub q: String,
    pub a: String,
    pub chunk_index: u64,
    pub indexes: Vec<Value>,
    pub update_time: i64,
}

/// One `localFile` upload as the mock received it (for `/mock/uploads`).
pub struct Upload {
    pub collection_id: String,
    pub dataset_id: String,
    pub file: FilePart,
    pub data: Value,
    pub max_buffered: usize,
}

#[derive(Default)]
pub struct Kb {
    /// Keyed by id; ids sort in creation order.
    pub datasets: BTreeMap<String, Dataset>,
    pub collections: BTreeMap<String, Collection>,
    pub data: BTreeMap<String, Data>,
    pub usages: Vec<(String, String, String)>,
    pub uploads: Vec<Upload>,
    /// Times (ms) of recent searchTest calls, for the frequency limit.
    search_times: Vec<i64>,
}

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Mongoose's answer when a non-ObjectId reaches `findById` (a plain 500 error).
fn cast_error(value: &str, model: &str) -> ApiError {
    ApiError::plain(format!(
        "Cast to ObjectId failed for value \"{value}\" (type string) at path \"_id\" for model \"{model}\""
    ))
}

fn model_json(model: &str, kind: &str) -> Value {
    json!({"provider": "OpenAI", "model": model, "name": model, "type": kind})
}

fn permission() -> Value {
    json!({"value": 4294967295u32, "isOwner": true, "hasManagePer": true, "hasWritePer": true,
        "hasReadPer": true})
}

impl Kb {
    /// `authDataset`: the live dataset, `unExistDataset` when there is none.
    fn dataset(&self, id: &str) -> Result<&Dataset, ApiError> {
        if !id.is_empty() && !is_object_id(id) {
            return Err(cast_error(id, "datasets"));
        }
        self.datasets.get(id).ok_or(ApiError::Known("unExistDataset"))
    }

    /// `authDatasetCollection` → `getCollectionWithDataset`: `unExistCollection` when missing.
    fn collection(&self, id: &str) -> Result<&Collection, ApiError> {
        if !id.is_empty() && !is_object_id(id) {
            return Err(cast_error(id, "dataset_collections"));
        }
        self.collections.get(id).ok_or(ApiError::Known("unExistCollection"))
    }

    /// `authDatasetData`: a plain error with the i18n key when missing.
    fn data_item(&self, id: &str) -> Result<&Data, ApiError> {
        if !id.is_empty() && !is_object_id(id) {
            return Err(cast_error(id, "dataset_datas"));
        }
        self.data.get(id).ok_or_else(|| ApiError::plain("common:core.dataset.error.Data not found"))
    }

    fn dataset_json(&self, d: &Dataset) -> Value {
        let mut v = json!({"_id": d.id, "parentId": d.parent_id, "teamId": TEAM_ID, "tmbId": TMB_ID,
            "type": d.kind, "status": "active", "avatar": d.avatar, "name": d.name,
            "vectorModel": model_json(&d.vector_model, "embedding"),
            "agentModel": model_json(&d.agent_model, "llm"),
            "intro": d.intro, "updateTime": iso(d.update_time), "inheritPermission": true,
            "permission": permission()});
        if let Some(m) = &d.vlm_model {
            v["vlmModel"] = model_json(m, "llm");
        }
        v
    }

    fn data_count(&self, collection: &str) -> usize {
        self.data.values().filter(|d| d.collection_id == collection).count()
    }

    fn collection_json(&self, c: &Collection) -> Value {
        let mut v = json!({"_id": c.id, "parentId": c.parent_id, "teamId": TEAM_ID, "tmbId": TMB_ID,
            "datasetId": c.dataset_id, "name": c.name, "type": c.kind, "forbid": c.forbid,
            "createTime": iso(c.create_time), "updateTime": iso(c.update_time),
            "trainingType": c.training_type, "tags": c.tags, "metadata": c.metadata});
        for (k, val) in &c.settings {
            v[k] = val.clone();
        }
        if let Some(l) = &c.raw_link {
            v["rawLink"] = l.as_str().into();
        }
        if let Some(e) = &c.external_file_id {
            v["externalFileId"] = e.as_str().into();
        }
        if let Some(a) = &c.api_file_id {
            v["apiFileId"] = a.as_str().into();
        }
        if let Some(f) = &c.file_id {
            v["fileId"] = f.as_str().into();
        }
        v
    }

    /// Removes collections (with their sub-collections) and their data.
    fn delete_collections(&mut self, ids: &[String]) {
        let mut queue: Vec<String> = ids.to_vec();
        while let Some(id) = queue.pop() {
            if self.collections.remove(&id).is_none() {
                continue;
            }
            queue.extend(
                self.collections.values().filter(|c| c.parent_id.as_deref() == Some(&id)).map(|c| c.id.clone()),
            );
            self.data.retain(|_, d| d.collection_id != id);
        }
    }
}

/// `?id=` is required (checked before authentication, as the handlers do).
pub fn need_query_id(_: &mut State, req: &Req) -> Result<(), ApiError> {
    if s(&req.query, "id").is_empty() {
        return Err(ApiError::Known("missingParams"));
    }
    Ok(())
}

/// `POST /api/core/dataset/list` `{parentId?, type?, searchKey?}` → array.
pub fn list(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let parent = b.get("parentId").and_then(Value::as_str).filter(|p| !p.is_empty());
    if let Some(p) = parent {
        st.kb.dataset(p)?;
    }
    let kind = b.get("type").and_then(Value::as_str);
    let key = s(b, "searchKey").to_lowercase();
    let mut items: Vec<&Dataset> = st
        .kb
        .datasets
        .values()
        .filter(|d| {
            if !key.is_empty() {
                return d.name.to_lowercase().contains(&key) || d.intro.to_lowercase().contains(&key);
            }
            d.parent_id.as_deref() == parent && kind.is_none_or(|k| k == d.kind)
        })
        .collect();
    items.sort_by_key(|d| std::cmp::Reverse(d.update_time));
    Ok(Value::Array(
        items
            .iter()
            .map(|d| {
                json!({"_id": d.id, "avatar": d.avatar, "name": d.name, "intro": d.intro, "type": d.kind,
                    "vectorModel": model_json(&d.vector_model, "embedding"), "inheritPermission": true,
                    "tmbId": TMB_ID, "updateTime": iso(d.update_time), "permission": permission(),
                    "private": true, "sourceMember": {"name": "mock", "avatar": "", "status": "active"}})
            })
            .collect(),
    ))
}

/// Mongoose's validation error for a document that misses a required path or has a bad enum.
fn validation_error(model: &str, problems: &[String]) -> ApiError {
    ApiError::plain(format!("{model} validation failed: {}", problems.join(", ")))
}

fn required(field: &str) -> String {
    format!("{field}: Path `{field}` is required.")
}

fn bad_enum(field: &str, value: &str) -> String {
    format!("{field}: `{value}` is not a valid enum value for path `{field}`.")
}

/// `POST /api/core/dataset/create` → the new id.
pub fn create(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let parent = b.get("parentId").and_then(Value::as_str).filter(|p| !p.is_empty()).map(str::to_string);
    if let Some(p) = &parent {
        st.kb.dataset(p)?;
    }
    let vector = b.get("vectorModel").and_then(Value::as_str).unwrap_or(VECTOR_MODELS[0]);
    let agent = b.get("agentModel").and_then(Value::as_str).unwrap_or(LLM_MODELS[0]);
    if !VECTOR_MODELS.contains(&vector) {
        return Err(ApiError::plain("System not embedding model"));
    }
    if !LLM_MODELS.contains(&agent) {
        return Err(ApiError::plain("System not llm model"));
    }
    let kind = b.get("type").and_then(Value::as_str).unwrap_or("dataset");
    let name = s(b, "name");
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(required("name"));
    }
    if !DATASET_TYPES.contains(&kind) {
        problems.push(bad_enum("type", kind));
    }
    if !problems.is_empty() {
        return Err(validation_error("datasets", &problems));
    }
    let id = st.object_id();
    let d = Dataset {
        id: id.clone(),
        parent_id: parent,
        kind: kind.to_string(),
        name: name.to_string(),
        intro: s(b, "intro").to_string(),
        avatar: b.get("avatar").and_then(Value::as_str).unwrap_or("core/dataset/commonDatasetColor").to_string(),
        vector_model: vector.to_string(),
        agent_model: agent.to_string(),
        vlm_model: b.get("vlmModel").and_then(Value::as_str).map(str::to_string),
        update_time: now_ms(),
    };
    st.kb.datasets.insert(id.clone(), d);
    Ok(id.into())
}

/// `GET /api/core/dataset/detail?id=`.
pub fn detail(st: &mut State, req: &Req) -> Out {
    let id = s(&req.query, "id");
    if id.is_empty() {
        return Err(ApiError::Known("missingParams"));
    }
    let d = st.kb.dataset(id)?;
    Ok(st.kb.dataset_json(d))
}

/// `DELETE /api/core/dataset/delete?id=`: the dataset, its sub-datasets and their content.
pub fn delete(st: &mut State, req: &Req) -> Out {
    let id = s(&req.query, "id").to_string();
    if id.is_empty() {
        return Err(ApiError::Known("missingParams"));
    }
    st.kb.dataset(&id)?;
    let mut queue = vec![id];
    while let Some(id) = queue.pop() {
        if st.kb.datasets.remove(&id).is_none() {
            continue;
        }
        queue.extend(st.kb.datasets.values().filter(|d| d.parent_id.as_deref() == Some(&id)).map(|d| d.id.clone()));
        let cols: Vec<String> =
            st.kb.collections.values().filter(|c| c.dataset_id == id).map(|c| c.id.clone()).collect();
        st.kb.delete_collections(&cols);
    }
    Ok(Value::Null)
}

/// The common collection fields of a create request.
fn new_collection(st: &mut State, b: &Map<String, Value>, name: &str, kind: &str) -> Result<Collection, ApiError> {
    let dataset_id = s(b, "datasetId").to_string();
    st.kb.dataset(&dataset_id)?;
    let parent = b.get("parentId").and_then(Value::as_str).filter(|p| !p.is_empty()).map(str::to_string);
    if let Some(p) = &parent {
        st.kb.collection(p)?;
    }
    let training = b.get("trainingType").and_then(Value::as_str).unwrap_or("chunk");
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(required("name"));
    }
    if !COLLECTION_TYPES.contains(&kind) {
        problems.push(bad_enum("type", kind));
    }
    if !TRAINING_TYPES.contains(&training) {
        problems.push(bad_enum("trainingType", training));
    }
    if !problems.is_empty() {
        return Err(validation_error("dataset_collections", &problems));
    }
    const SETTINGS: &[&str] = &[
        "chunkSettingMode",
        "chunkSplitMode",
        "chunkSize",
        "indexSize",
        "chunkSplitter",
        "qaPrompt",
        "customPdfParse",
        "imageIndex",
        "autoIndexes",
        "indexPrefixTitle",
        "dataEnhanceCollectionName",
        "paragraphChunkAIMode",
        "paragraphChunkDeep",
        "paragraphChunkMinSize",
    ];
    let settings = SETTINGS.iter().filter_map(|k| b.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    let now = now_ms();
    Ok(Collection {
        id: st.object_id(),
        dataset_id,
        parent_id: parent,
        name: name.to_string(),
        kind: kind.to_string(),
        training_type: training.to_string(),
        create_time: now,
        update_time: now,
        forbid: false,
        tags: b
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        metadata: b.get("metadata").cloned().filter(Value::is_object).unwrap_or_else(|| json!({})),
        raw_link: None,
        external_file_id: b.get("externalFileId").and_then(Value::as_str).map(str::to_string),
        api_file_id: None,
        file_id: None,
        file: None,
        settings,
    })
}

/// `POST /api/core/dataset/collection/create` (empty, virtual or folder) → the new id.
pub fn collection_create(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let kind = b.get("type").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() {
        st.kb.dataset(s(b, "datasetId"))?;
        return Err(validation_error("dataset_collections", &[required("type")]));
    }
    let c = new_collection(st, b, s(b, "name"), kind)?;
    let id = c.id.clone();
    st.kb.collections.insert(id.clone(), c);
    Ok(id.into())
}

/// Splits text into chunks of at most `size` characters, on paragraph then line boundaries.
fn chunks(text: &str, size: usize) -> Vec<String> {
    let size = size.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        for piece in para.chars().collect::<Vec<_>>().chunks(size).map(|c| c.iter().collect::<String>()) {
            if !cur.is_empty() && cur.chars().count() + piece.chars().count() + 2 > size {
                out.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push_str("\n\n");
            }
            cur.push_str(&piece);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn insert_data(st: &mut State, c: &(String, String), items: Vec<(String, String, Vec<Value>)>) -> usize {
    let start = st.kb.data_count(&c.1) as u64;
    let mut n = 0;
    for (q, a, indexes) in items {
        let id = st.object_id();
        let now = now_ms();
        let indexes = if indexes.is_empty() {
            vec![json!({"type": "default", "dataId": st.nanoid(), "text": q})]
        } else {
            indexes
        };
        st.kb.data.insert(
            id.clone(),
            Data {
                id,
                dataset_id: c.0.clone(),
                collection_id: c.1.clone(),
                q,
                a,
                chunk_index: start + n as u64,
                indexes,
                update_time: now,
            },
        );
        n += 1;
    }
    n
}

fn created(collection_id: &str, insert_len: usize) -> Value {
    json!({"collectionId": collection_id, "results": {"insertLen": insert_len}})
}

/// `POST /api/core/dataset/collection/create/text` `{text, name, datasetId, ...}`: a file
/// collection named `<name>.txt` whose text is chunked and trained at once.
pub fn create_text(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let name = s(b, "name");
    let file_name = format!("{name}.txt");
    let mut c = new_collection(st, b, if name.is_empty() { "" } else { &file_name }, "file")?;
    c.file_id = Some(format!("dataset/{}/{}", c.dataset_id, file_name));
    let size = b.get("chunkSize").and_then(Value::as_u64).unwrap_or(1000) as usize;
    let text = s(b, "text");
    let ids = (c.dataset_id.clone(), c.id.clone());
    st.kb.collections.insert(c.id.clone(), c);
    let items = chunks(text, size).into_iter().map(|q| (q, String::new(), Vec::new())).collect();
    let n = insert_data(st, &ids, items);
    Ok(created(&ids.1, n))
}

/// `POST /api/core/dataset/collection/create/link` `{link, datasetId, ...}`: queued for parsing
/// on a real server, so `insertLen` is 0.
pub fn create_link(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let link = s(b, "link");
    let mut c = new_collection(st, b, link, "link")?;
    c.raw_link = Some(link.to_string());
    let selector = b.get("metadata").and_then(|m| m.get("webPageSelector")).cloned();
    c.metadata = json!({"relatedImgId": link, "webPageSelector": selector});
    let id = c.id.clone();
    st.kb.collections.insert(id.clone(), c);
    Ok(created(&id, 0))
}

/// `POST .../create/localFile` once the multipart body has been read: `data` is the JSON of the
/// `data` field. The file name is URI-decoded as FastGPT's multer setup does.
pub fn create_local_file(st: &mut State, file: FilePart, data: Value, max_buffered: usize) -> Out {
    let b = data.as_object().cloned().unwrap_or_default();
    let name = crate::routes::percent_decode(&file.filename);
    let mut c = new_collection(st, &b, &name, "file")?;
    c.file_id = Some(format!("dataset/{}/{}", c.dataset_id, name));
    let mut meta = b.get("collectionMetadata").cloned().filter(Value::is_object).unwrap_or_else(|| json!({}));
    meta["relatedImgId"] = c.file_id.clone().into();
    c.metadata = meta;
    let mut stored = file.clone();
    stored.filename = name;
    c.file = Some(stored.clone());
    let id = c.id.clone();
    st.kb.uploads.push(Upload {
        collection_id: id.clone(),
        dataset_id: c.dataset_id.clone(),
        file: stored,
        data,
        max_buffered,
    });
    st.kb.collections.insert(id.clone(), c);
    Ok(created(&id, 0))
}

fn create_api_file(
    st: &mut State,
    b: &Map<String, Value>,
    file_id: &str,
    name: &str,
    folder: bool,
) -> Result<(), ApiError> {
    let dataset_id = s(b, "datasetId");
    let exists =
        st.kb.collections.values().any(|c| c.dataset_id == dataset_id && c.api_file_id.as_deref() == Some(file_id));
    if exists {
        // FastGPT skips files the dataset already has.
        return Ok(());
    }
    let mut c = new_collection(st, b, name, if folder { "folder" } else { "apiFile" })?;
    c.api_file_id = Some(file_id.to_string());
    c.metadata = json!({"relatedImgId": file_id});
    st.kb.collections.insert(c.id.clone(), c);
    Ok(())
}

/// `POST .../create/apiCollection` `{name, apiFileId, datasetId, ...}` → null (4.14.5.1 returns
/// the value of its session run, which is nothing).
pub fn create_api_collection(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    st.kb.dataset(s(b, "datasetId"))?;
    let file_id = s(b, "apiFileId");
    if file_id.is_empty() {
        return Err(ApiError::plain("apiFileId is empty"));
    }
    let name = Some(s(b, "name")).filter(|n| !n.is_empty()).unwrap_or(file_id).to_string();
    create_api_file(st, b, file_id, &name, false)?;
    Ok(Value::Null)
}

/// `POST .../create/apiCollectionV2` `{apiFiles: [{id, name, type, hasChild?}], datasetId, ...}`.
pub fn create_api_collection_v2(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    st.kb.dataset(s(b, "datasetId"))?;
    let Some(files) = b.get("apiFiles").and_then(Value::as_array) else {
        return Err(ApiError::plain("Cannot read properties of undefined (reading 'length')"));
    };
    for f in files {
        let id = f.get("id").and_then(Value::as_str).unwrap_or("");
        let name = f.get("name").and_then(Value::as_str).unwrap_or(id);
        let folder = f.get("type").and_then(Value::as_str) == Some("folder");
        if !id.is_empty() {
            create_api_file(st, b, id, name, folder)?;
        }
    }
    Ok(Value::Null)
}

/// `parsePaginationRequest` over the body, then FastGPT's cap.
fn page(req: &Req, cap: usize) -> (usize, usize) {
    let num = |k: &str| match req.body.get(k) {
        Some(Value::Number(n)) => n.as_f64().map(|f| f as i64),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    };
    let (size, offset) = if req.body.contains_key("pageSize") {
        let size = num("pageSize").unwrap_or(10).max(0);
        let offset = match num("offset") {
            Some(o) if o != 0 => o,
            _ => (num("pageNum").unwrap_or(1) - 1) * size,
        };
        (size as usize, offset.max(0) as usize)
    } else {
        (10, 0)
    };
    (offset, size.min(cap))
}

/// `POST /api/core/dataset/collection/listV2` → `{list, total}`; pageSize capped at 100 as
/// 4.14.5.1 does (the docs say 30).
pub fn collection_list(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let dataset_id = s(b, "datasetId");
    st.kb.dataset(dataset_id)?;
    let (offset, size) = page(req, 100);
    let parent = b.get("parentId").and_then(Value::as_str).filter(|p| !p.is_empty());
    let search = s(b, "searchText").replace('\'', "").to_lowercase();
    let folders_only = b.get("selectFolder").and_then(Value::as_bool) == Some(true);
    let tags: Vec<&str> =
        b.get("filterTags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let simple = b.get("simple").and_then(Value::as_bool) == Some(true);
    let mut cols: Vec<&Collection> = st
        .kb
        .collections
        .values()
        .filter(|c| c.dataset_id == dataset_id)
        .filter(|c| !folders_only || c.kind == "folder")
        .filter(|c| {
            if search.is_empty() {
                c.parent_id.as_deref() == parent
            } else {
                c.name.to_lowercase().contains(&search)
            }
        })
        .filter(|c| tags.is_empty() || c.tags.iter().any(|t| tags.contains(&t.as_str())))
        .collect();
    cols.sort_by(|a, b| b.update_time.cmp(&a.update_time).then_with(|| b.id.cmp(&a.id)));
    let total = cols.len();
    let list: Vec<Value> = cols
        .iter()
        .skip(offset)
        .take(size)
        .map(|c| {
            let mut v = json!({"_id": c.id, "parentId": c.parent_id, "tmbId": TMB_ID, "name": c.name,
                "type": c.kind, "forbid": c.forbid, "createTime": iso(c.create_time),
                "updateTime": iso(c.update_time), "trainingType": c.training_type,
                "tags": c.tags, "dataAmount": if simple { 0 } else { st.kb.data_count(&c.id) },
                "trainingAmount": 0, "hasError": false, "permission": permission()});
            if let Some(f) = &c.file_id {
                v["fileId"] = f.as_str().into();
            }
            if let Some(l) = &c.raw_link {
                v["rawLink"] = l.as_str().into();
            }
            if let Some(e) = &c.external_file_id {
                v["externalFileId"] = e.as_str().into();
            }
            v
        })
        .collect();
    Ok(json!({"list": list, "total": total}))
}

/// `GET /api/core/dataset/collection/detail?id=`; `file.contentLength` is the byte count the mock
/// received for a `localFile` upload.
pub fn collection_detail(st: &mut State, req: &Req) -> Out {
    let id = s(&req.query, "id");
    if id.is_empty() {
        return Err(ApiError::Known("missingParams"));
    }
    let c = st.kb.collection(id)?;
    let mut v = st.kb.collection_json(c);
    let n = st.kb.data_count(id);
    v["indexAmount"] = n.into();
    v["sourceName"] = c.name.as_str().into();
    if let Some(src) = c.file_id.as_ref().or(c.raw_link.as_ref()) {
        v["sourceId"] = src.as_str().into();
    }
    v["permission"] = permission();
    v["errorCount"] = 0.into();
    if let Some(f) = &c.file {
        v["file"] = json!({"filename": f.filename, "contentLength": f.bytes, "contentType": f.content_type});
    }
    if let Ok(d) = st.kb.dataset(&c.dataset_id) {
        v["dataset"] = st.kb.dataset_json(d);
    }
    Ok(v)
}

/// The collection an update names: `id`, or the one with `datasetId` + `externalFileId`.
fn update_target(st: &State, b: &Map<String, Value>) -> Result<String, ApiError> {
    let (dataset_id, external) = (s(b, "datasetId"), s(b, "externalFileId"));
    if !dataset_id.is_empty() && !external.is_empty() {
        return st
            .kb
            .collections
            .values()
            .find(|c| c.dataset_id == dataset_id && c.external_file_id.as_deref() == Some(external))
            .map(|c| c.id.clone())
            .ok_or(ApiError::Known("fileNotFound"));
    }
    match s(b, "id") {
        "" => Err(ApiError::Known("missingParams")),
        id => Ok(id.to_string()),
    }
}

pub fn collection_update_pre(st: &mut State, req: &Req) -> Result<(), ApiError> {
    update_target(st, &req.body).map(|_| ())
}

/// `POST|PUT /api/core/dataset/collection/update` `{id | datasetId+externalFileId, ...}` → null.
pub fn collection_update(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let id = update_target(st, b)?;
    st.kb.collection(&id)?;
    if let Some(p) = b.get("parentId").and_then(Value::as_str).filter(|p| !p.is_empty()) {
        st.kb.collection(p)?;
    }
    let c = st.kb.collections.get_mut(&id).expect("checked above");
    match b.get("parentId") {
        Some(Value::String(p)) => c.parent_id = Some(p.clone()).filter(|p| !p.is_empty()),
        Some(Value::Null) => c.parent_id = None,
        _ => {}
    }
    if let Some(n) = b.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
        c.name = n.to_string();
        c.update_time = now_ms();
    }
    if let Some(t) = b.get("tags").and_then(Value::as_array) {
        c.tags = t.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    if let Some(f) = b.get("forbid").and_then(Value::as_bool) {
        c.forbid = f;
    }
    if let Some(t) = b.get("createTime") {
        if let Some(ms) = t.as_str().and_then(crate::clock::parse_date).or_else(|| t.as_i64()) {
            c.create_time = ms;
        }
    }
    Ok(Value::Null)
}

/// `POST /api/core/dataset/collection/delete` `{collectionIds: [...]}` or `?id=` → null.
fn delete_targets(req: &Req) -> Result<Vec<String>, ApiError> {
    match (req.query.get("id").and_then(Value::as_str), req.body.get("collectionIds")) {
        (Some(id), _) if !id.is_empty() => Ok(vec![id.to_string()]),
        (_, Some(Value::Array(a))) => Ok(a.iter().map(|v| v.as_str().unwrap_or("").to_string()).collect()),
        _ => Err(ApiError::Known("missingParams")),
    }
}

pub fn collection_delete_pre(_: &mut State, req: &Req) -> Result<(), ApiError> {
    delete_targets(req).map(|_| ())
}

pub fn collection_delete(st: &mut State, req: &Req) -> Out {
    let ids = delete_targets(req)?;
    for id in &ids {
        st.kb.collection(id)?;
    }
    st.kb.delete_collections(&ids);
    Ok(Value::Null)
}

/// `POST /api/core/dataset/data/pushData` → `{insertLen}`. Items without `q` and oversize ones
/// are dropped, as `pushDataListToTrainingQueue` drops them.
fn push_items(req: &Req) -> Result<&Vec<Value>, ApiError> {
    let data = match req.body.get("data") {
        Some(Value::Array(a)) if !s(&req.body, "collectionId").is_empty() => a,
        _ => return Err(ApiError::plain("collectionId or data is empty")),
    };
    if data.len() > MAX_PUSH {
        return Err(ApiError::plain("Data is too long, max 200"));
    }
    Ok(data)
}

/// Both checks come before authentication in `data/pushData.ts`.
pub fn push_data_pre(_: &mut State, req: &Req) -> Result<(), ApiError> {
    push_items(req).map(|_| ())
}

pub fn push_data(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let collection_id = s(b, "collectionId");
    let data = push_items(req)?;
    let c = st.kb.collection(collection_id)?;
    let mode =
        b.get("trainingType").or_else(|| b.get("trainingMode")).and_then(Value::as_str).unwrap_or(&c.training_type);
    if !["chunk", "qa", "auto", "image", "imageParse"].contains(&mode) {
        return Err(ApiError::plain(format!("Training mode \"{mode}\" is inValid")));
    }
    let ids = (c.dataset_id.clone(), c.id.clone());
    let items = data
        .iter()
        .filter_map(|item| {
            let q = item.get("q").and_then(Value::as_str).unwrap_or("");
            let a = item.get("a").and_then(Value::as_str).unwrap_or("");
            if q.is_empty() || q.chars().count() + a.chars().count() > MAX_ITEM_CHARS {
                return None;
            }
            let indexes = item
                .get("indexes")
                .and_then(Value::as_array)
                .map(|ix| {
                    ix.iter()
                        .filter_map(|i| {
                            let text = i.get("text").and_then(Value::as_str)?;
                            Some(json!({"type": i.get("type").and_then(Value::as_str).unwrap_or("custom"),
                                "dataId": i.get("dataId").cloned().unwrap_or(Value::Null), "text": text}))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some((q.to_string(), a.to_string(), indexes))
        })
        .collect();
    let n = insert_data(st, &ids, items);
    Ok(json!({ "insertLen": n }))
}

/// `POST /api/core/dataset/data/v2/list` `{collectionId, searchText?, offset, pageSize<=30}`.
pub fn data_list(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let collection_id = s(b, "collectionId");
    st.kb.collection(collection_id)?;
    let (offset, size) = page(req, 30);
    let search = s(b, "searchText").trim().to_lowercase();
    let mut items: Vec<&Data> = st
        .kb
        .data
        .values()
        .filter(|d| d.collection_id == collection_id)
        .filter(|d| search.is_empty() || d.q.to_lowercase().contains(&search) || d.a.to_lowercase().contains(&search))
        .collect();
    items.sort_by(|a, b| a.chunk_index.cmp(&b.chunk_index).then_with(|| b.id.cmp(&a.id)));
    let total = items.len();
    let list: Vec<Value> = items
        .iter()
        .skip(offset)
        .take(size)
        .map(|d| {
            json!({"_id": d.id, "datasetId": d.dataset_id, "collectionId": d.collection_id, "q": d.q,
                "a": d.a, "chunkIndex": d.chunk_index, "teamId": TEAM_ID})
        })
        .collect();
    Ok(json!({"list": list, "total": total}))
}

/// `GET /api/core/dataset/data/detail?id=` → `DatasetDataItemType`.
pub fn data_detail(st: &mut State, req: &Req) -> Out {
    let d = st.kb.data_item(s(&req.query, "id"))?;
    let c = st.kb.collection(&d.collection_id)?;
    let mut v = json!({"id": d.id, "teamId": TEAM_ID, "updateTime": iso(d.update_time), "q": d.q,
        "a": d.a, "chunkIndex": d.chunk_index, "indexes": d.indexes, "datasetId": d.dataset_id,
        "collectionId": d.collection_id, "sourceName": c.name, "isOwner": true});
    if let Some(src) = c.file_id.as_ref().or(c.raw_link.as_ref()) {
        v["sourceId"] = src.as_str().into();
    }
    Ok(v)
}

/// `PUT /api/core/dataset/data/update` `{dataId, q?, a?, indexes?}` → null.
pub fn data_update(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let id = s(b, "dataId").to_string();
    st.kb.data_item(&id)?;
    let seq_id = st.nanoid();
    let d = st.kb.data.get_mut(&id).expect("checked above");
    let indexes = b.get("indexes").and_then(Value::as_array).cloned().unwrap_or_default();
    let q = s(b, "q");
    let a = b.get("a").and_then(Value::as_str);
    if !q.is_empty() || a.is_some_and(|a| !a.is_empty()) || !indexes.is_empty() {
        if !q.is_empty() {
            d.q = q.to_string();
        }
        if let Some(a) = a {
            d.a = a.to_string();
        }
        if !indexes.is_empty() {
            d.indexes = indexes
                .iter()
                .map(|i| {
                    let mut i = i.clone();
                    if i.get("dataId").is_none() {
                        i["dataId"] = seq_id.as_str().into();
                    }
                    i
                })
                .collect();
        }
        d.update_time = now_ms();
    }
    Ok(Value::Null)
}

/// `DELETE /api/core/dataset/data/delete?id=` → `"success"`.
pub fn data_delete(st: &mut State, req: &Req) -> Out {
    let id = s(&req.query, "id").to_string();
    st.kb.data_item(&id)?;
    st.kb.data.remove(&id);
    Ok("success".into())
}

/// Share of the query's words found in the item (case-insensitive).
fn score(words: &[String], d: &Data) -> f64 {
    if words.is_empty() {
        return 0.0;
    }
    let hay = format!("{}\n{}", d.q, d.a).to_lowercase();
    let hits = words.iter().filter(|w| hay.contains(w.as_str())).count();
    hits as f64 / words.len() as f64
}

/// The IP frequency limit and the parameter check, both before authentication.
pub fn search_test_pre(st: &mut State, req: &Req) -> Result<(), ApiError> {
    let now = now_ms();
    st.kb.search_times.retain(|t| now - t < 1000);
    if st.kb.search_times.len() >= SEARCH_PER_SECOND {
        return Err(ApiError::Known("tooManyRequest"));
    }
    st.kb.search_times.push(now);
    if s(&req.body, "datasetId").is_empty() || s(&req.body, "text").is_empty() {
        return Err(ApiError::Known("missingParams"));
    }
    Ok(())
}

/// `POST /api/core/dataset/searchTest` → `{list, duration, queryExtensionModel?, usingReRank,
/// searchMode, limit, similarity, usingSimilarityFilter}`; a plain word match stands in for the
/// vector search. More than 15 calls a second get `tooManyRequest`, as the IP limiter does.
pub fn search_test(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let (dataset_id, text) = (s(b, "datasetId"), s(b, "text"));
    st.kb.dataset(dataset_id)?;
    let limit = b.get("limit").and_then(Value::as_f64).unwrap_or(5000.0).min(20000.0);
    let similarity = b.get("similarity").and_then(Value::as_f64).unwrap_or(0.0);
    let mode = b.get("searchMode").and_then(Value::as_str).unwrap_or("embedding");
    let mode = if SEARCH_MODES.contains(&mode) { mode } else { "embedding" };
    let rerank = b.get("usingReRank").and_then(Value::as_bool).unwrap_or(false);
    let words: Vec<String> = text.to_lowercase().split_whitespace().map(str::to_string).collect();
    let score_type = if mode == "fullTextRecall" { "fullText" } else { "embedding" };
    let mut hits: Vec<(f64, &Data)> = st
        .kb
        .data
        .values()
        .filter(|d| d.dataset_id == dataset_id)
        .filter(|d| st.kb.collections.get(&d.collection_id).is_some_and(|c| !c.forbid))
        .map(|d| (score(&words, d), d))
        .filter(|(sc, _)| *sc > 0.0 && *sc >= similarity)
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    // `limit` is a token budget; the mock counts a character as a token.
    let mut budget = limit as usize;
    let mut list = Vec::new();
    for (index, (sc, d)) in hits.iter().enumerate() {
        let cost = d.q.chars().count() + d.a.chars().count();
        if !list.is_empty() && cost > budget {
            break;
        }
        budget = budget.saturating_sub(cost);
        let c = st.kb.collections.get(&d.collection_id);
        let mut v = json!({"id": d.id, "updateTime": iso(d.update_time), "q": d.q, "a": d.a,
            "chunkIndex": d.chunk_index, "datasetId": d.dataset_id, "collectionId": d.collection_id,
            "sourceName": c.map_or("", |c| c.name.as_str()),
            "score": [{"type": score_type, "value": (sc * 10000.0).round() / 10000.0, "index": index}]});
        if let Some(src) = c.and_then(|c| c.file_id.as_ref().or(c.raw_link.as_ref())) {
            v["sourceId"] = src.as_str().into();
        }
        list.push(v);
    }
    Ok(json!({"list": list, "duration": "0.001s", "usingReRank": rerank, "searchMode": mode,
        "limit": limit, "similarity": similarity, "usingSimilarityFilter": similarity > 0.0}))
}

/// `POST /api/support/wallet/usage/createTrainingUsage` `{datasetId, name?}` → the usage id.
pub fn create_training_usage(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let dataset_id = s(b, "datasetId").to_string();
    st.kb.dataset(&dataset_id)?;
    let id = st.object_id();
    st.kb.usages.push((id.clone(), dataset_id, s(b, "name").to_string()));
    Ok(id.into())
}

/// `/mock/uploads`: every `localFile` upload received, oldest first.
pub fn uploads_json(st: &State) -> Value {
    let list: Vec<Value> = st
        .kb
        .uploads
        .iter()
        .map(|u| {
            json!({"collectionId": u.collection_id, "datasetId": u.dataset_id,
                "filename": u.file.filename, "contentType": u.file.content_type,
                "bytes": u.file.bytes, "fnv1a64": u.file.fnv1a64,
                "head": String::from_utf8_lossy(&u.file.head), "data": u.data,
                "maxBuffered": u.max_buffered})
        })
        .collect();
    json!({ "uploads": list })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_respects_size() {
        let c = chunks("aaaa\n\nbbbb\n\ncccccccccc", 10);
        assert_eq!(c, vec!["aaaa\n\nbbbb", "cccccccccc"]);
        assert!(chunks("", 10).is_empty());
        assert_eq!(chunks("xxxxxxxxxxxx", 5).len(), 3);
    }
}
