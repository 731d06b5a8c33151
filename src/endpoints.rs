//! THE endpoint table: every FastGPT operation the library wraps, described once.
//!
//! Validation (required fields, checked before any I/O), where parameters go (query or body),
//! whether a retry is safe, and how to find the result in the answer are all read from here; the
//! C functions (generated into `ffi/endpoints.rs`), the header docs, the Go binding's methods and
//! the tests all follow from [`ALL`]. Adding an endpoint is one entry here, then `make generate`
//! (a test fails while a generated file is stale).

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// Where the request's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Params {
    /// Every top-level field as a query parameter (FastGPT's GET/DELETE handlers read `req.query`).
    Query,
    /// The request object as the JSON body.
    Body,
    /// JSON body, and the required fields repeated in the query: the handler moved from reading
    /// the query to reading the body (FastGPT 4.14.0), so this works with servers on either side.
    BodyAndQuery,
}

/// How the result is found in a successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A `{code, statusText, message, data}` envelope; the result is `data`.
    Envelope,
    /// An OpenAI-style body without envelope (chat completions); the result is the whole body.
    Whole,
    /// Unknown endpoint (escape hatch): an envelope if the body is one, else the whole body.
    Auto,
}

/// A field check made before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A required non-empty string.
    Str(&'static str),
    /// A required array.
    Array(&'static str),
    /// A required array of at most this many items (the server's own limit).
    ArrayMax(&'static str, usize),
    /// A required string, one of these values.
    OneOf(&'static str, &'static [&'static str]),
    /// At least one of these fields, each checked as its own variant when present.
    AnyOf(&'static [Field]),
}

impl Field {
    /// The field's name (the first alternative's for [`Field::AnyOf`]).
    pub fn name(self) -> &'static str {
        match self {
            Field::Str(n) | Field::Array(n) | Field::ArrayMax(n, _) | Field::OneOf(n, _) => n,
            Field::AnyOf(alternatives) => alternatives[0].name(),
        }
    }

    /// Every field name this check involves.
    pub fn names(self) -> Vec<&'static str> {
        match self {
            Field::AnyOf(alternatives) => alternatives.iter().flat_map(|a| a.names()).collect(),
            other => vec![other.name()],
        }
    }

    fn check(self, endpoint: &str, request: &Map<String, Value>) -> Result<(), Error> {
        if let Field::AnyOf(alternatives) = self {
            let present: Vec<&Field> =
                alternatives.iter().filter(|a| !matches!(request.get(a.name()), None | Some(Value::Null))).collect();
            if present.is_empty() {
                let names: Vec<String> = alternatives.iter().map(|a| format!("\"{}\"", a.name())).collect();
                return Err(Error::invalid_argument(format!(
                    "{endpoint}: missing required field: one of {}",
                    names.join(", ")
                )));
            }
            return present.into_iter().try_for_each(|a| a.check(endpoint, request));
        }
        let name = self.name();
        let Some(value) = request.get(name).filter(|v| !v.is_null()) else {
            return Err(Error::invalid_argument(format!("{endpoint}: missing required field \"{name}\"")));
        };
        let wrong = |want: String| Err(Error::invalid_argument(format!("{endpoint}: field \"{name}\" must be {want}")));
        match (self, value) {
            (Field::Str(_), Value::String(s)) if !s.is_empty() => Ok(()),
            (Field::Str(_), _) => wrong("a non-empty string".into()),
            (Field::Array(_), Value::Array(_)) => Ok(()),
            (Field::Array(_), _) => wrong("an array".into()),
            (Field::ArrayMax(_, max), Value::Array(items)) if items.len() <= max => Ok(()),
            (Field::ArrayMax(_, max), Value::Array(items)) => {
                wrong(format!("an array of at most {max} items (FastGPT's limit per call), not {}", items.len()))
            }
            (Field::ArrayMax(_, max), _) => wrong(format!("an array of at most {max} items")),
            (Field::OneOf(_, values), Value::String(s)) if values.contains(&s.as_str()) => Ok(()),
            (Field::OneOf(_, values), _) => wrong(format!("one of \"{}\"", values.join("\", \""))),
            (Field::AnyOf(_), _) => unreachable!("handled above"),
        }
    }

    /// The field as the header docs list it.
    pub fn describe(self) -> String {
        match self {
            Field::Str(n) | Field::Array(n) => format!("`{n}`"),
            Field::ArrayMax(n, max) => format!("`{n}` (at most {max} items)"),
            Field::OneOf(n, values) => format!("`{n}` ({})", values.join("/")),
            Field::AnyOf(alternatives) => {
                let names: Vec<String> = alternatives.iter().map(|a| a.describe()).collect();
                names.join(" or ")
            }
        }
    }
}

/// A path that serves an operation, and where its parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub params: Params,
}

/// How the C API calls an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON request and one result: a blocking function and an `_async` one.
    Unary,
    /// A streamed chat completion: events to a callback, then the accumulated answer.
    Stream,
    /// A multipart file upload (`file` + `data`): written by hand in the C layer.
    Upload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation's name: the C functions are `fastgpt_<name>` and `fastgpt_<name>_async`.
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub params: Params,
    /// Checked before any I/O, in this order.
    pub required: &'static [Field],
    /// Safe to send again after the server may have acted on it (reads, and writes that set a
    /// state rather than add one). Chat completions are not: a retry would run the app twice.
    pub idempotent: bool,
    pub answer: Answer,
    /// `Some(x)` sets the body's `stream` field to `x` (completions), whatever the caller sent.
    pub stream: Option<bool>,
    /// Fields the server requires on some versions and defaults on others: sent with this value
    /// when the caller leaves them out.
    pub defaults: &'static [(&'static str, i64)],
    /// Where other server versions serve the same operation: tried when `path` answers 404 or 405
    /// without a FastGPT envelope (the server has no such route), then used first by that client.
    pub fallback: Option<Route>,
    pub shape: Shape,
    /// The reference text of the C function (what it does, optional fields, the result); the
    /// method, path, required fields, fallback and retry rule are added from the other fields.
    pub doc: &'static str,
    /// Paragraphs shared by several endpoints, appended to `doc`.
    pub notes: &'static [&'static str],
}

const fn ep(
    name: &'static str,
    method: Method,
    path: &'static str,
    params: Params,
    required: &'static [Field],
    idempotent: bool,
    doc: &'static str,
) -> Endpoint {
    Endpoint {
        name,
        method,
        path,
        params,
        required,
        idempotent,
        answer: Answer::Envelope,
        stream: None,
        defaults: &[],
        fallback: None,
        shape: Shape::Unary,
        doc,
        notes: &[],
    }
}

const fn completion(name: &'static str, path: &'static str, stream: bool, doc: &'static str) -> Endpoint {
    Endpoint {
        answer: Answer::Whole,
        stream: Some(stream),
        shape: if stream { Shape::Stream } else { Shape::Unary },
        ..ep(name, Post, path, Body, MESSAGES, false, doc)
    }
}

use Field::*;
use Method::*;
use Params::*;

const APP: &[Field] = &[Str("appId")];
const APP_CHAT: &[Field] = &[Str("appId"), Str("chatId")];
const MESSAGES: &[Field] = &[Array("messages")];
const ID: &[Field] = &[Str("id")];
const DATASET: &[Field] = &[Str("datasetId")];
const TIMESPAN: &[&str] = &["day", "week", "month", "quarter"];

const COMPLETION_DOC: &str = "Runs the app on `messages` and returns the whole answer (`stream` is forced to false).
Optional fields: `chatId` (continue a stored chat; without it the server stores nothing),
`variables`, `detail` (adds `responseData` and `newVariables`), `responseChatItemId`, `appId` (with
an account key), `customUid`, `metadata`, `retainDatasetCite`. A user message's `content` may be
a string or an array of `text` / `image_url` / `file_url` parts.
Result (`fastgpt_response_data`): the OpenAI-style body, no envelope. FastGPT answers HTTP 200
even when a workflow node failed: the body then has a top-level `error` (the node's error object)
next to the answer, and, when the server named the chat, a `title`; both are kept as sent.";

const STREAM_DOC: &str = "Streams a chat completion (`stream` is forced to true), calling `cb` on THIS thread for each
event, in order, and returns when the stream ends. No COMPLETE event: the return value is the
completion. Request fields as the blocking completion. Whether the stream is in detail mode is
decided by what the server sends (named `event:` frames), not by the request: workflow-tool apps
force it on, and their `flowResponses` after `[DONE]` is then read too.

`cb` may be NULL (only the accumulated result is wanted). On success `*out_response` (if not
NULL) receives the accumulated answer in the non-stream shape:
`{\"responseData\":[...] (detail), \"newVariables\":{...} (if updated), \"id\": chatId,
  \"model\":\"\", \"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"<whole answer>\",
  \"reasoning_content\":\"<whole reasoning, if any>\"},\"finish_reason\":\"stop\",\"index\":0}],
  \"title\":\"<chatTitle, if sent>\", \"interactive\":{...} (if the workflow paused),
  \"durationSeconds\": N (detail)}`.
`id` is the request's `chatId`. A stream started without `chatId` is not stored by FastGPT, and
no frame or header of the stream names a chat: `id` is then \"\" (pass your own `chatId` to
continue the conversation later).

A stream is limited by `timeout_ms` until its headers and then only by silence longer than
`stream_idle_timeout_ms`, never by its total length. It fails with `FASTGPT_ERR_STREAM_TRUNCATED`
if it ends before `[DONE]`, and with the frame's error after an `event: error` frame (also when
FastGPT sends that frame as a plain HTTP 200 body).";

const COLLECTION_OPTIONS: &str =
    "Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
`chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
`chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
`createTime`.";

pub const CREATE_CHAT_COMPLETION: Endpoint =
    completion("create_chat_completion", "/api/v1/chat/completions", false, COMPLETION_DOC);
pub const STREAM_CHAT_COMPLETION: Endpoint =
    completion("stream_chat_completion", "/api/v1/chat/completions", true, STREAM_DOC);
pub const CREATE_CHAT_COMPLETION_V2: Endpoint = completion(
    "create_chat_completion_v2",
    "/api/v2/chat/completions",
    false,
    "The v2 chat completion (FastGPT >= 4.9.4, what FastGPT's own web UI calls): request and result as
`fastgpt_create_chat_completion`; with `detail` its `responseData` is built from one
`flowNodeResponse` per node, and messages carry `reasoning_content`.",
);
pub const STREAM_CHAT_COMPLETION_V2: Endpoint = completion(
    "stream_chat_completion_v2",
    "/api/v2/chat/completions",
    true,
    "The v2 streamed chat completion: as `fastgpt_stream_chat_completion`, but in detail mode each
node's response arrives as its own `FASTGPT_EVENT_FLOW_NODE_RESPONSE` and nothing follows `[DONE]`
(the accumulated `responseData` is the list of those node responses). The accumulated answer has
the same shape as v1's. Stop it from elsewhere with `fastgpt_stop_chat`.",
);
pub const STOP_CHAT: Endpoint = ep(
    "stop_chat",
    Post,
    "/api/v2/chat/stop",
    Body,
    APP_CHAT,
    true,
    "Stops the chat's running workflow (a v2 completion started with that `chatId`); the server waits up
to 5 s for it to stop. Result: `{\"success\":true}`.",
);
pub const GET_CHAT_HISTORIES: Endpoint = ep(
    "get_chat_histories",
    Post,
    "/api/core/chat/getHistories",
    Body,
    APP,
    true,
    "Lists an app's chats, pinned first, then newest. Optional: `offset`, `pageSize`, `source`,
`startCreateTime`, `endCreateTime`, `startUpdateTime`, `endUpdateTime`.
Result: `{\"list\":[{\"chatId\",\"updateTime\",\"appId\",\"customTitle\",\"title\",\"top\"}],\"total\":N}`.",
);
pub const GET_CHAT_INIT: Endpoint = ep(
    "get_chat_init",
    Get,
    "/api/core/chat/init",
    Query,
    APP_CHAT,
    true,
    "Loads a chat's title, variables and app configuration (sent as query parameters).
Result: `{\"chatId\",\"appId\",\"title\",\"variables\",\"app\":{...}}`.",
);
pub const GET_CHAT_RECORDS: Endpoint = ep(
    "get_chat_records",
    Post,
    "/api/core/chat/getPaginationRecords",
    Body,
    APP_CHAT,
    true,
    "Pages through a chat's messages; `offset` 0 is the newest page, items within a page are in
chronological order. Optional: `offset`, `pageSize`, `loadCustomFeedbacks`.
Result: `{\"list\":[{\"_id\",\"dataId\",\"obj\",\"value\",...}],\"total\":N}`.",
);
pub const GET_RECORD_DETAIL: Endpoint = ep(
    "get_record_detail",
    Get,
    "/api/core/chat/getResData",
    Query,
    &[Str("appId"), Str("chatId"), Str("dataId")],
    true,
    "The node responses (workflow details) of one AI message (sent as query parameters).
Result: an array of node response objects (`[]` for a non-AI or unknown message).",
);
pub const UPDATE_CHAT_HISTORY: Endpoint = Endpoint {
    fallback: Some(Route { method: Put, path: "/api/core/chat/history/updateHistory", params: Body }),
    ..ep(
        "update_chat_history",
        Post,
        "/api/core/chat/updateHistory",
        Body,
        APP_CHAT,
        true,
        "Renames or pins a chat: only the fields sent (`customTitle`, `title`, `top`) change.
Result: `null`.",
    )
};
pub const DELETE_CHAT_HISTORY: Endpoint = ep(
    "delete_chat_history",
    Delete,
    "/api/core/chat/delHistory",
    Query,
    APP_CHAT,
    true,
    "Deletes one chat (sent as query parameters). Result: `null`.",
);
pub const CLEAR_CHAT_HISTORIES: Endpoint = ep(
    "clear_chat_histories",
    Delete,
    "/api/core/chat/clearHistories",
    Query,
    APP,
    true,
    "Deletes all of an app's API chats (sent as query parameters). Result: `null`.",
);
pub const DELETE_CHAT_RECORD: Endpoint = Endpoint {
    // Servers before the record/ move only have item/delete, which older versions read from the
    // query: the fallback sends the required fields there too.
    fallback: Some(Route { method: Delete, path: "/api/core/chat/item/delete", params: BodyAndQuery }),
    ..ep(
        "delete_chat_record",
        Delete,
        "/api/core/chat/record/delete",
        Body,
        &[Str("appId"), Str("chatId"), AnyOf(&[Str("contentId"), Array("contentIds")])],
        true,
        "Deletes messages: one (`contentId`, a message's `dataId`) or several (`contentIds`). Optional:
`delFile` (also delete the files the messages uploaded). Servers before `record/delete` take one
`contentId` per call. Result: `{}` (`null` from `item/delete`).",
    )
};
pub const SEND_FEEDBACK: Endpoint = ep(
    "send_feedback",
    Post,
    "/api/core/chat/feedback/updateUserFeedback",
    Body,
    &[Str("appId"), Str("chatId"), Str("dataId")],
    true,
    "Sets the like / dislike of an AI message: `userGoodFeedback` or `userBadFeedback` (string).
FastGPT clears whichever of the two is omitted. Result: `{}` (`null` on older servers).",
);
pub const GET_SUGGESTED_QUESTIONS: Endpoint = ep(
    "get_suggested_questions",
    Post,
    "/api/core/ai/agent/v2/createQuestionGuide",
    Body,
    APP_CHAT,
    false,
    "Suggests follow-up questions from the chat's last messages. Optional: `questionGuide`
(`{\"open\":true,\"model\":...,\"customPrompt\":...}`). Result: an array of strings.
Not idempotent: each call runs an LLM and spends AI points.",
);
pub const GET_APP_LOGS_CHART: Endpoint = Endpoint {
    // `offset` is required by older servers' schema and defaults to 1 on newer ones.
    defaults: &[("offset", 1)],
    ..ep(
        "get_app_logs_chart",
        Post,
        "/api/proApi/core/app/logs/getChartData",
        Body,
        &[
            Str("appId"),
            Str("dateStart"),
            Str("dateEnd"),
            OneOf("userTimespan", TIMESPAN),
            OneOf("chatTimespan", TIMESPAN),
            OneOf("appTimespan", TIMESPAN),
        ],
        true,
        "App analytics per time bucket (commercial FastGPT). The three timespans are required by the
server's schema and checked here; `offset` (the timezone offset the server buckets by) is sent as 1
when left out (older servers require it, newer default it to 1). Optional: `source` (array).
Result: `{\"userData\":[...],\"chatData\":[...],\"appData\":[...]}`.",
    )
};
pub const GET_APP_LOGS_TOTAL: Endpoint = ep(
    "get_app_logs_total",
    Get,
    "/api/proApi/core/app/logs/getTotalData",
    Query,
    APP,
    true,
    "App totals (commercial FastGPT), sent as query parameters.
Result: `{\"totalUsers\":N,\"totalChats\":N,\"totalPoints\":N}`.",
);

// The knowledge base (document/content/docs/openapi/dataset.mdx).

pub const LIST_DATASETS: Endpoint = ep(
    "list_datasets",
    Post,
    "/api/core/dataset/list",
    Body,
    &[],
    true,
    "Lists the datasets (knowledge bases) in a folder. Optional: `parentId` (\"\" or absent: the root),
`type`, `searchKey`. Result: an array of `{\"_id\",\"parentId\",\"avatar\",\"name\",\"intro\",\"type\",
\"vectorModel\":{...},...}`.",
);
pub const CREATE_DATASET: Endpoint = ep(
    "create_dataset",
    Post,
    "/api/core/dataset/create",
    Body,
    &[Str("name")],
    false,
    "Creates a dataset. Optional: `parentId`, `type` (`dataset` | `folder`), `intro`, `avatar`,
`vectorModel`, `agentModel`, `vlmModel` (leave the models out to use the server's defaults).
Result: the new dataset's id (a JSON string).",
);
pub const GET_DATASET: Endpoint = ep(
    "get_dataset",
    Get,
    "/api/core/dataset/detail",
    Query,
    ID,
    true,
    "A dataset's details (`id` is the dataset id, sent as a query parameter).
Result: `{\"_id\",\"name\",\"intro\",\"type\",\"status\",\"vectorModel\":{...},\"agentModel\":{...},...}`.",
);
pub const DELETE_DATASET: Endpoint = ep(
    "delete_dataset",
    Delete,
    "/api/core/dataset/delete",
    Query,
    ID,
    true,
    "Deletes a dataset and everything in it (`id` sent as a query parameter). Result: `null`.",
);
pub const CREATE_COLLECTION: Endpoint = ep(
    "create_collection",
    Post,
    "/api/core/dataset/collection/create",
    Body,
    &[Str("datasetId"), Str("name"), Str("type")],
    false,
    "Creates an empty collection: `type` is `virtual` (data pushed by hand with `fastgpt_push_data`)
or `folder` (the server requires it). Optional: `parentId`, `metadata`, `tags`. Result: the new
collection's id (a JSON string).",
);
pub const CREATE_TEXT_COLLECTION: Endpoint = Endpoint {
    notes: &[COLLECTION_OPTIONS],
    ..ep(
        "create_text_collection",
        Post,
        "/api/core/dataset/collection/create/text",
        Body,
        &[Str("datasetId"), Str("name"), Str("text")],
        false,
        "Creates a collection from `text`, split into chunks and trained.
Result: `{\"collectionId\":\"...\",\"results\":{\"insertLen\":N}}` (older servers add `overToken`, `repeat`, `error`).",
    )
};
pub const CREATE_LINK_COLLECTION: Endpoint = Endpoint {
    notes: &[COLLECTION_OPTIONS],
    ..ep(
        "create_link_collection",
        Post,
        "/api/core/dataset/collection/create/link",
        Body,
        &[Str("datasetId"), Str("link")],
        false,
        "Creates a collection from a web page: the server fetches `link`, then splits and trains its text
(`metadata.webPageSelector` picks the element). Result: as `fastgpt_create_text_collection`
(`insertLen` 0: the page is fetched and trained in the background).",
    )
};
pub const CREATE_FILE_COLLECTION: Endpoint = Endpoint {
    shape: Shape::Upload,
    notes: &[COLLECTION_OPTIONS],
    ..ep(
        "create_file_collection",
        Post,
        "/api/core/dataset/collection/create/localFile",
        Body,
        DATASET,
        false,
        "Creates a collection from a file, uploaded as `multipart/form-data` (part `file`, and part
`data` holding the JSON of the collection options below). Result: as
`fastgpt_create_text_collection`.",
    )
};
pub const CREATE_API_COLLECTION: Endpoint = Endpoint {
    notes: &[COLLECTION_OPTIONS],
    ..ep(
        "create_api_collection",
        Post,
        "/api/core/dataset/collection/create/apiCollection",
        Body,
        &[Str("datasetId"), Str("name"), Str("apiFileId")],
        false,
        "Creates a collection from one file of an API dataset (`apiFileId`; deprecated by FastGPT in favour
of `fastgpt_create_api_collection_v2`). Result: `null` (the file is imported in the background).",
    )
};
pub const CREATE_API_COLLECTION_V2: Endpoint = Endpoint {
    notes: &[COLLECTION_OPTIONS],
    ..ep(
        "create_api_collection_v2",
        Post,
        "/api/core/dataset/collection/create/apiCollectionV2",
        Body,
        &[Str("datasetId"), Array("apiFiles")],
        false,
        "Creates collections from files and folders of an API dataset: `apiFiles` is an array of
`{\"id\",\"name\",\"type\":\"file\"|\"folder\",\"hasChild\"}` (folders are walked; files already imported
are skipped). Result: `null`.",
    )
};
pub const LIST_COLLECTIONS: Endpoint = ep(
    "list_collections",
    Post,
    "/api/core/dataset/collection/listV2",
    Body,
    DATASET,
    true,
    "Pages through a dataset's collections. Optional: `offset`, `pageSize` (documented as at most 30;
servers cap it at 100), `parentId`,
`searchText`. Result: `{\"list\":[{\"_id\",\"parentId\",\"type\",\"name\",\"updateTime\",\"dataAmount\",
\"trainingAmount\",\"tags\",\"forbid\",...}],\"total\":N}`.",
);
pub const GET_COLLECTION: Endpoint = ep(
    "get_collection",
    Get,
    "/api/core/dataset/collection/detail",
    Query,
    ID,
    true,
    "A collection's details (`id` sent as a query parameter).
Result: `{\"_id\",\"datasetId\":{...},\"type\",\"name\",\"trainingType\",\"rawTextLength\",...}`.",
);
pub const UPDATE_COLLECTION: Endpoint = Endpoint {
    // FastGPT's docs use PUT and its OpenAPI spec POST; the handler reads the body either way.
    fallback: Some(Route { method: Post, path: "/api/core/dataset/collection/update", params: Body }),
    ..ep(
        "update_collection",
        Put,
        "/api/core/dataset/collection/update",
        Body,
        &[AnyOf(&[Str("id"), Str("externalFileId")])],
        true,
        "Updates a collection found by `id`, or by `datasetId` + `externalFileId`: only the fields sent
change (`parentId`, `name`, `tags`, `forbid`, `createTime`). Result: `null`.",
    )
};
pub const DELETE_COLLECTIONS: Endpoint = ep(
    "delete_collections",
    Post,
    "/api/core/dataset/collection/delete",
    BodyAndQuery,
    &[AnyOf(&[Array("collectionIds"), Str("id")])],
    true,
    "Deletes collections and their data: `collectionIds` (array), or one `id`. Result: `null`.",
);
pub const PUSH_DATA: Endpoint = ep(
    "push_data",
    Post,
    "/api/core/dataset/data/pushData",
    Body,
    &[Str("collectionId"), ArrayMax("data", 200)],
    false,
    "Adds data to a collection for training: `data` is an array of `{\"q\",\"a\",\"indexes\":[{\"text\"}]}`,
at most 200 per call (checked here: push more in several calls). Optional: `trainingType`,
`prompt`, `billId` (from `fastgpt_create_training_usage`, to bill several calls as one).
Result: `{\"insertLen\":N}` (older servers add `overToken`, `repeat`, `error`); items without `q`
are dropped by the server.",
);
pub const LIST_DATA: Endpoint = ep(
    "list_data",
    Post,
    "/api/core/dataset/data/v2/list",
    Body,
    &[Str("collectionId")],
    true,
    "Pages through a collection's data. Optional: `offset`, `pageSize` (at most 30), `searchText`.
Result: `{\"list\":[{\"_id\",\"datasetId\",\"collectionId\",\"q\",\"a\",\"chunkIndex\"}],\"total\":N}`.",
);
pub const GET_DATA: Endpoint = ep(
    "get_data",
    Get,
    "/api/core/dataset/data/detail",
    Query,
    ID,
    true,
    "One data item (`id` sent as a query parameter).
Result: `{\"id\",\"q\",\"a\",\"chunkIndex\",\"indexes\":[...],\"datasetId\",\"collectionId\",\"sourceName\",...}`.",
);
pub const UPDATE_DATA: Endpoint = ep(
    "update_data",
    Put,
    "/api/core/dataset/data/update",
    Body,
    &[Str("dataId")],
    true,
    "Updates one data item: `q`, `a`, `indexes` (an index with its `dataId` is updated in place, one
without is added). Result: `null`.",
);
pub const DELETE_DATA: Endpoint = ep(
    "delete_data",
    Delete,
    "/api/core/dataset/data/delete",
    Query,
    ID,
    true,
    "Deletes one data item (`id` sent as a query parameter). Result: `\"success\"`.",
);
pub const SEARCH_TEST: Endpoint = ep(
    "search_test",
    Post,
    "/api/core/dataset/searchTest",
    Body,
    &[Str("datasetId"), Str("text")],
    false,
    "Searches a dataset as an app's dataset-search node would. Optional: `limit` (max tokens),
`similarity`, `searchMode` (`embedding` | `fullTextRecall` | `mixedRecall`), `usingReRank`,
`datasetSearchUsingExtensionQuery`, `datasetSearchExtensionModel`, `datasetSearchExtensionBg`.
Result: `{\"list\":[{\"id\",\"q\",\"a\",\"datasetId\",\"collectionId\",\"sourceName\",\"score\":[...]}],
\"duration\",\"searchMode\",\"limit\",\"similarity\",\"usingReRank\",...}`.
Not idempotent: each search spends AI points.",
);
pub const CREATE_TRAINING_USAGE: Endpoint = ep(
    "create_training_usage",
    Post,
    "/api/support/wallet/usage/createTrainingUsage",
    Body,
    DATASET,
    false,
    "Creates a training bill to group several `fastgpt_push_data` calls under one usage record.
Optional: `name`. Result: the bill id (a JSON string), for `billId`.",
);

/// Every wrapped operation, in the order of the C header.
pub const ALL: &[&Endpoint] = &[
    &CREATE_CHAT_COMPLETION,
    &STREAM_CHAT_COMPLETION,
    &CREATE_CHAT_COMPLETION_V2,
    &STREAM_CHAT_COMPLETION_V2,
    &STOP_CHAT,
    &GET_CHAT_HISTORIES,
    &GET_CHAT_INIT,
    &GET_CHAT_RECORDS,
    &GET_RECORD_DETAIL,
    &UPDATE_CHAT_HISTORY,
    &DELETE_CHAT_HISTORY,
    &CLEAR_CHAT_HISTORIES,
    &DELETE_CHAT_RECORD,
    &SEND_FEEDBACK,
    &GET_SUGGESTED_QUESTIONS,
    &GET_APP_LOGS_CHART,
    &GET_APP_LOGS_TOTAL,
    &LIST_DATASETS,
    &CREATE_DATASET,
    &GET_DATASET,
    &DELETE_DATASET,
    &CREATE_COLLECTION,
    &CREATE_TEXT_COLLECTION,
    &CREATE_LINK_COLLECTION,
    &CREATE_FILE_COLLECTION,
    &CREATE_API_COLLECTION,
    &CREATE_API_COLLECTION_V2,
    &LIST_COLLECTIONS,
    &GET_COLLECTION,
    &UPDATE_COLLECTION,
    &DELETE_COLLECTIONS,
    &PUSH_DATA,
    &LIST_DATA,
    &GET_DATA,
    &UPDATE_DATA,
    &DELETE_DATA,
    &SEARCH_TEST,
    &CREATE_TRAINING_USAGE,
];

/// The endpoint named `name`.
pub fn by_name(name: &str) -> Option<&'static Endpoint> {
    ALL.iter().copied().find(|e| e.name == name)
}

/// A request checked and laid out for the wire, ready to send (and to send again on retry).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Shared, so a retry re-sends it without copying.
    pub body: Option<bytes::Bytes>,
    /// A multipart upload instead of a JSON body (replayed from its source on retry).
    pub upload: Option<std::sync::Arc<crate::upload::Upload>>,
    pub idempotent: bool,
    pub answer: Answer,
    /// The same request laid out for the endpoint's fallback route, if it has one.
    pub fallback: Option<Box<Prepared>>,
    /// The endpoint's name (a client remembers per endpoint which route the server has).
    pub endpoint: &'static str,
}

/// Parses `request_json` as a JSON object (an absent request is `{}`).
pub fn parse_request(request_json: Option<&str>) -> Result<Map<String, Value>, Error> {
    let Some(text) = request_json else { return Ok(Map::new()) };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(Error::new(
            ErrorKind::InvalidJson,
            format!("the request must be a JSON object, not {}", json_type(&other)),
        )),
        Err(e) => Err(Error::new(ErrorKind::InvalidJson, format!("the request is not valid JSON: {e}"))),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Endpoint {
    /// Checks the required fields (before any I/O) and lays the request out as the endpoint
    /// expects, with its fallback route's layout beside it.
    pub fn prepare(&self, mut request: Map<String, Value>) -> Result<Prepared, Error> {
        self.check(&request)?;
        for (name, value) in self.defaults {
            request.entry(*name).or_insert_with(|| Value::from(*value));
        }
        if let Some(stream) = self.stream {
            request.insert("stream".into(), Value::Bool(stream));
        }
        let fallback = self.fallback.map(|route| Box::new(self.lay_out(route, &request)));
        let route = Route { method: self.method, path: self.path, params: self.params };
        let mut prepared = self.lay_out(route, &request);
        prepared.fallback = fallback;
        Ok(prepared)
    }

    /// The required-field checks alone (uploads check their `data` part with it).
    pub fn check(&self, request: &Map<String, Value>) -> Result<(), Error> {
        self.required.iter().try_for_each(|field| field.check(self.name, request))
    }

    fn lay_out(&self, route: Route, request: &Map<String, Value>) -> Prepared {
        let (query, body) = match route.params {
            Query => (to_query(request), None),
            Body => (Vec::new(), Some(request)),
            BodyAndQuery => {
                let required: Map<String, Value> = self
                    .required
                    .iter()
                    .flat_map(|f| f.names())
                    .filter_map(|name| request.get(name).map(|v| (name.to_string(), v.clone())))
                    .collect();
                (to_query(&required), Some(request))
            }
        };
        Prepared {
            method: route.method,
            path: route.path.to_string(),
            query,
            body: body.map(|b| serde_json::to_vec(b).expect("a JSON map serializes").into()),
            upload: None,
            idempotent: self.idempotent,
            answer: self.answer,
            fallback: None,
            endpoint: self.name,
        }
    }
}

/// The escape hatch: any method and `/api/...` path, with the same auth, retries and errors.
/// GET and DELETE send the request's fields as query parameters, POST and PUT as the JSON body.
pub fn prepare_custom(method: &str, path: &str, request: Map<String, Value>) -> Result<Prepared, Error> {
    let method = Method::parse(method)
        .ok_or_else(|| Error::invalid_argument(format!("method \"{method}\" is not one of GET, POST, PUT, DELETE")))?;
    if !path.starts_with("/api/") {
        return Err(Error::invalid_argument(format!("path \"{path}\" must start with /api/")));
    }
    if path.contains("..") || path.contains(['?', '#']) || path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(Error::invalid_argument(
            "path must not contain '..', '?', '#', spaces or control characters (put parameters in the request JSON)",
        ));
    }
    let (query, body) = match method {
        Method::Get | Method::Delete => (to_query(&request), None),
        Method::Post | Method::Put => {
            (Vec::new(), Some(serde_json::to_vec(&request).expect("a JSON map serializes").into()))
        }
    };
    Ok(Prepared {
        method,
        path: path.to_string(),
        query,
        body,
        upload: None,
        idempotent: method != Method::Post,
        answer: Answer::Auto,
        fallback: None,
        endpoint: "request",
    })
}

/// Query values: strings as they are, numbers and booleans as text, other values as JSON text.
fn to_query(request: &Map<String, Value>) -> Vec<(String, String)> {
    request
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    /// A request with every required field valid (the first alternative of an `AnyOf`).
    pub(crate) fn valid_request(e: &Endpoint) -> Map<String, Value> {
        fn add(field: &Field, out: &mut Map<String, Value>) {
            let value = match *field {
                Str(_) => json!("x"),
                Array(_) | ArrayMax(..) => json!([]),
                OneOf(_, values) => json!(values[0]),
                AnyOf(alternatives) => return add(&alternatives[0], out),
            };
            out.insert(field.name().into(), value);
        }
        let mut out = Map::new();
        e.required.iter().for_each(|f| add(f, &mut out));
        out
    }

    #[test]
    fn the_table_matches_the_contract() {
        let names: Vec<_> = ALL.iter().map(|e| e.name).collect();
        let mut dedup = names.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), names.len(), "names are unique");
        for e in ALL {
            assert!(e.path.starts_with("/api/"), "{}", e.name);
            assert!(!e.doc.is_empty(), "{} is documented", e.name);
            assert_eq!(e.shape == Shape::Stream, e.stream == Some(true), "{}", e.name);
            if let Some(f) = e.fallback {
                assert!(f.path.starts_with("/api/") && (f.path != e.path || f.method != e.method), "{}", e.name);
            }
        }
        for e in ALL.iter().filter(|e| e.answer == Answer::Whole) {
            assert!(!e.idempotent, "{}: a completion runs the app: never re-sent", e.name);
        }
        assert_eq!(by_name("push_data"), Some(&PUSH_DATA));
    }

    #[test]
    fn every_required_field_is_checked_before_io() {
        for e in ALL {
            let full = valid_request(e);
            assert!(e.prepare(full.clone()).is_ok(), "{}", e.name);
            for r in e.required {
                let mut missing = full.clone();
                for name in r.names() {
                    missing.remove(name);
                }
                let err = e.prepare(missing).unwrap_err();
                assert_eq!(err.kind, ErrorKind::InvalidArgument);
                assert!(err.message.contains(&format!("\"{}\"", r.name())), "{}", err.message);
                let mut wrong = full.clone();
                wrong.insert(r.name().into(), json!(42));
                let err = e.prepare(wrong).unwrap_err();
                assert!(err.message.contains("must be"), "{}", err.message);
            }
        }
        let err = GET_CHAT_INIT.prepare(obj(json!({"appId": "a", "chatId": ""}))).unwrap_err();
        assert!(err.message.contains("non-empty"), "{}", err.message);
    }

    #[test]
    fn server_limits_are_checked_before_io() {
        let items: Vec<Value> = (0..201).map(|i| json!({"q": format!("q{i}")})).collect();
        let err = PUSH_DATA.prepare(obj(json!({"collectionId": "c", "data": items}))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        assert!(err.message.contains("at most 200") && err.message.contains("201"), "{}", err.message);
        let items: Vec<Value> = (0..200).map(|i| json!({"q": format!("q{i}")})).collect();
        assert!(PUSH_DATA.prepare(obj(json!({"collectionId": "c", "data": items}))).is_ok());

        let chart = json!({"appId": "a", "dateStart": "s", "dateEnd": "e",
            "userTimespan": "day", "chatTimespan": "week", "appTimespan": "year"});
        let err = GET_APP_LOGS_CHART.prepare(obj(chart)).unwrap_err();
        assert!(err.message.contains("appTimespan") && err.message.contains("quarter"), "{}", err.message);
        let chart = json!({"appId": "a", "dateStart": "s", "dateEnd": "e",
            "userTimespan": "day", "chatTimespan": "week", "appTimespan": "month"});
        let p = GET_APP_LOGS_CHART.prepare(obj(chart.clone())).unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["offset"], 1, "offset defaults to 1");
        let mut with_offset = chart;
        with_offset["offset"] = json!(8);
        let p = GET_APP_LOGS_CHART.prepare(obj(with_offset)).unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["offset"], 8, "the caller's offset is kept");

        let err = DELETE_CHAT_RECORD.prepare(obj(json!({"appId": "a", "chatId": "c"}))).unwrap_err();
        assert!(err.message.contains("one of \"contentId\", \"contentIds\""), "{}", err.message);
        assert!(DELETE_CHAT_RECORD.prepare(obj(json!({"appId": "a", "chatId": "c", "contentIds": ["x"]}))).is_ok());
        let err = DELETE_CHAT_RECORD.prepare(obj(json!({"appId": "a", "chatId": "c", "contentIds": "x"}))).unwrap_err();
        assert!(err.message.contains("\"contentIds\" must be an array"), "{}", err.message);
    }

    #[test]
    fn params_go_where_the_server_reads_them() {
        let p = GET_CHAT_INIT.prepare(obj(json!({"appId": "a", "chatId": "c", "n": 3, "x": null}))).unwrap();
        assert_eq!(p.method, Method::Get);
        assert!(p.body.is_none());
        assert_eq!(
            p.query,
            vec![("appId".into(), "a".into()), ("chatId".into(), "c".into()), ("n".into(), "3".into())]
        );

        let p = DELETE_CHAT_RECORD
            .prepare(obj(json!({"appId": "a", "chatId": "c", "contentId": "d", "extra": 1})))
            .unwrap();
        assert_eq!((p.method, p.path.as_str()), (Method::Delete, "/api/core/chat/record/delete"));
        assert!(p.query.is_empty(), "the new route reads the body");
        let old = p.fallback.expect("item/delete for older servers");
        assert_eq!(old.path, "/api/core/chat/item/delete");
        assert_eq!(old.query.len(), 3, "required fields repeated in the query for older servers");
        let body: Value = serde_json::from_slice(old.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["contentId"], "d");
        assert_eq!(body["extra"], 1);

        let p = UPDATE_CHAT_HISTORY.prepare(obj(json!({"appId": "a", "chatId": "c", "top": true}))).unwrap();
        assert_eq!((p.method, p.fallback.as_ref().unwrap().method), (Method::Post, Method::Put));

        let p = CREATE_CHAT_COMPLETION.prepare(obj(json!({"messages": [], "stream": true}))).unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["stream"], false, "blocking completion forces stream=false");
        for e in [&STREAM_CHAT_COMPLETION, &STREAM_CHAT_COMPLETION_V2] {
            let p = e.prepare(obj(json!({"messages": []}))).unwrap();
            let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
            assert_eq!(body["stream"], true);
        }
    }

    #[test]
    fn requests_must_be_objects() {
        assert_eq!(parse_request(Some("[1]")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert_eq!(parse_request(Some("{")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert_eq!(parse_request(Some("")).unwrap_err().kind, ErrorKind::InvalidJson);
        assert!(parse_request(None).unwrap().is_empty());
    }

    #[test]
    fn escape_hatch_checks_method_and_path() {
        assert!(prepare_custom("GET", "/api/core/dataset/list", Map::new()).is_ok());
        for (m, p) in [
            ("PATCH", "/api/x"),
            ("get", "/api/x"),
            ("GET", "/v1/x"),
            ("GET", "/api/../x"),
            ("GET", "/api/x?a=1"),
            ("GET", "/api/a b"),
        ] {
            assert_eq!(prepare_custom(m, p, Map::new()).unwrap_err().kind, ErrorKind::InvalidArgument, "{m} {p}");
        }
        assert!(!prepare_custom("POST", "/api/x", Map::new()).unwrap().idempotent);
        assert!(prepare_custom("DELETE", "/api/x", Map::new()).unwrap().idempotent);
    }
}
