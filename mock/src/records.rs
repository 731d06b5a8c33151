//! Chat CRUD (§4): histories, init, records, node responses, titles, deletion, feedback and the
//! question guide, all over `State`. Each handler returns the envelope's `data`.

use serde_json::{json, Map, Value};

use crate::clock::iso;
use crate::envelope::{is_object_id, ApiError, Zod};
use crate::routes::Req;
use crate::state::{Chat, Item, State};

type Out = Result<Value, ApiError>;

const SOURCES: &[&str] =
    &["test", "online", "share", "api", "cronJob", "team", "feishu", "official_account", "wecom", "mcp"];

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

fn empty_page() -> Out {
    Ok(json!({"list": [], "total": 0}))
}

/// A number or a numeric string (Zod `PaginationSchema` allows both).
fn num(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_f64().map(|f| f as i64),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

/// `parsePaginationRequest` (§1.5): body if it has `pageSize`, else the query if it has one.
fn pagination(req: &Req) -> (usize, usize) {
    let src = if req.body.contains_key("pageSize") {
        &req.body
    } else if req.query.contains_key("pageSize") {
        &req.query
    } else {
        return (0, 10);
    };
    let size = src.get("pageSize").and_then(num).unwrap_or(10).max(0);
    let offset = match src.get("offset").and_then(num) {
        Some(o) if o != 0 => o,
        _ => (src.get("pageNum").and_then(num).unwrap_or(1) - 1) * size,
    };
    (offset.max(0) as usize, size as usize)
}

pub fn get_histories(st: &mut State, req: &Req) -> Out {
    let mut z = Zod::default();
    z.opt_enum(&req.body, "source", SOURCES);
    z.finish()?;
    let app = s(&req.body, "appId");
    if !is_object_id(app) {
        return empty_page();
    }
    let source = req.body.get("source").and_then(Value::as_str);
    let mut chats: Vec<&Chat> =
        st.chats.values().filter(|c| !c.deleted && c.app_id == app && source.is_none_or(|s| s == c.source)).collect();
    chats.sort_by_key(|c| std::cmp::Reverse((c.top, c.update_time, c.update_seq)));
    let (offset, size) = pagination(req);
    let list: Vec<Value> = chats
        .iter()
        .skip(offset)
        .take(size)
        .map(|c| {
            json!({"chatId": c.chat_id, "updateTime": iso(c.update_time), "appId": c.app_id,
                "customTitle": c.custom_title, "title": c.title, "top": c.top})
        })
        .collect();
    Ok(json!({"list": list, "total": chats.len()}))
}

pub fn init(st: &mut State, req: &Req) -> Out {
    let mut z = Zod::default();
    let app = z.object_id(&req.query, "appId");
    let chat_id = z.non_empty(&req.query, "chatId");
    z.finish()?;
    let chat = st.chat(&app, &chat_id);
    let mut data = json!({"chatId": chat_id, "appId": app,
        "variables": chat.map_or_else(Map::new, |c| c.variables.clone()),
        "app": {"chatConfig": {"questionGuide": true, "ttsConfig": {"type": "web"},
            "whisperConfig": {"open": false, "autoSend": false, "autoTTSResponse": false},
            "chatInputGuide": {"open": false, "textList": [], "customUrl": ""}, "instruction": "",
            "variables": [], "fileSelectConfig": {"canSelectFile": true, "canSelectImg": true, "maxFiles": 10},
            "welcomeText": ""},
            "chatModels": ["mock-model"], "name": "Mock App", "avatar": "/imgs/app/avatar/workflow.svg",
            "intro": "", "type": "advanced", "pluginInputs": []}});
    if let Some(c) = chat {
        data["title"] = c.title.clone().into();
    }
    Ok(data)
}

fn item_json(item: &Item) -> Value {
    let mut v = json!({"_id": item.id, "dataId": item.data_id, "obj": item.obj,
        "value": item.value, "time": iso(item.time)});
    if let Some(g) = &item.good {
        v["userGoodFeedback"] = g.as_str().into();
    }
    if let Some(b) = &item.bad {
        v["userBadFeedback"] = b.as_str().into();
    }
    if item.obj == "AI" {
        v["durationSeconds"] = item.duration.into();
        v["llmModuleAccount"] = 1.into();
        v["totalQuoteList"] = json!([]);
        v["historyPreviewLength"] = 2.into();
        if let Some(e) = &item.error {
            v["errorMsg"] = e.as_str().into();
        }
    }
    v
}

/// Pages count from the newest item (§4.3): newest first, skip, take, back to chronological.
pub fn get_records(st: &mut State, req: &Req) -> Out {
    let (app, chat_id) = (s(&req.body, "appId"), s(&req.body, "chatId"));
    if app.is_empty() || chat_id.is_empty() {
        return empty_page();
    }
    if !is_object_id(app) {
        return Err(ApiError::Known("appUnExist"));
    }
    let Some(chat) = st.chat(app, chat_id) else {
        return empty_page();
    };
    let items: Vec<&Item> = chat.live_items().collect();
    let (offset, size) = pagination(req);
    let mut page: Vec<Value> = items.iter().rev().skip(offset).take(size).map(|i| item_json(i)).collect();
    page.reverse();
    Ok(json!({"list": page, "total": items.len()}))
}

pub fn get_res_data(st: &mut State, req: &Req) -> Out {
    let q = |k| s(&req.query, k);
    let (app, chat_id, data_id) = (q("appId"), q("chatId"), q("dataId"));
    if app.is_empty() || chat_id.is_empty() || data_id.is_empty() {
        return Ok(json!([]));
    }
    let found = st.chat(app, chat_id).and_then(|c| c.live_items().find(|i| i.data_id == data_id && i.obj == "AI"));
    Ok(found.map_or_else(|| json!([]), |i| i.responses.clone()))
}

pub fn update_history(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let mut z = Zod::default();
    let app = z.object_id(b, "appId");
    let chat_id = z.non_empty(b, "chatId");
    let title = z.opt_string(b, "title");
    let custom_title = z.opt_string(b, "customTitle");
    let top = z.opt_bool(b, "top");
    z.finish()?;
    let seq = st.next_seq();
    if let Some(c) = st.chat_mut(&app, &chat_id) {
        if let Some(t) = title {
            c.title = t;
        }
        if let Some(t) = custom_title {
            c.custom_title = t;
        }
        if let Some(t) = top {
            c.top = t;
        }
        c.touch(seq);
    }
    Ok(Value::Null)
}

/// Reads the query only, as the handler does (§4.6).
pub fn del_history(st: &mut State, req: &Req) -> Out {
    let mut z = Zod::default();
    let app = z.object_id(&req.query, "appId");
    let chat_id = z.non_empty(&req.query, "chatId");
    z.finish()?;
    if let Some(c) = st.chat_mut(&app, &chat_id) {
        c.deleted = true;
    }
    Ok(Value::Null)
}

/// Soft-deletes all the app's API chats (§4.7).
pub fn clear_histories(st: &mut State, req: &Req) -> Out {
    let mut z = Zod::default();
    let app = z.object_id(&req.query, "appId");
    z.finish()?;
    for c in st.chats.values_mut().filter(|c| c.app_id == app && c.source == "api") {
        c.deleted = true;
    }
    Ok(Value::Null)
}

/// Reads the JSON body (v4.14+), falling back to the query (older servers, and the docs).
pub fn delete_item(st: &mut State, req: &Req) -> Out {
    let get = |k| Some(s(&req.body, k)).filter(|v| !v.is_empty()).unwrap_or_else(|| s(&req.query, k));
    let (app, chat_id, content_id) = (get("appId"), get("chatId"), get("contentId"));
    if app.is_empty() {
        return Err(ApiError::Known("unAuthChat"));
    }
    if content_id.is_empty() || chat_id.is_empty() {
        return Err(ApiError::plain("contentId or chatId is empty"));
    }
    if let Some(c) = st.chat_mut(app, chat_id) {
        for i in c.items.iter_mut().filter(|i| i.data_id == content_id) {
            i.deleted = true;
        }
    }
    Ok(Value::Null)
}

/// `DELETE /api/core/chat/record/delete` (newest servers): the JSON body when it has fields, else
/// the query; `contentId` and/or `contentIds` (an array, or one string), `delFile`. → `{}`.
pub fn delete_record(st: &mut State, req: &Req) -> Out {
    let src = if req.body.is_empty() { &req.query } else { &req.body };
    let mut z = Zod::default();
    let app = z.object_id(src, "appId");
    let chat_id = z.string(src, "chatId");
    let content_id = z.opt_string(src, "contentId");
    let mut ids: Vec<String> = match src.get("contentIds") {
        None => Vec::new(),
        Some(Value::String(s)) => s.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            a.iter().filter_map(Value::as_str).map(str::to_string).collect()
        }
        Some(other) => {
            z.invalid(src, "contentIds", "array", other);
            Vec::new()
        }
    };
    z.finish()?;
    ids.extend(content_id);
    if let Some(c) = st.chat_mut(&app, &chat_id) {
        for i in c.items.iter_mut().filter(|i| ids.contains(&i.data_id)) {
            i.deleted = true;
        }
    }
    Ok(json!({}))
}

/// An omitted (or null, or empty) feedback field is `$unset` (§4.9).
pub fn update_feedback(st: &mut State, req: &Req) -> Out {
    let b = &req.body;
    let mut z = Zod::default();
    let app = z.non_empty(b, "appId");
    let chat_id = z.non_empty(b, "chatId");
    let data_id = z.non_empty(b, "dataId");
    let good = z.opt_nullable_string(b, "userGoodFeedback").filter(|s| !s.is_empty());
    let bad = z.opt_nullable_string(b, "userBadFeedback").filter(|s| !s.is_empty());
    z.finish()?;
    let item = st
        .chat_mut(&app, &chat_id)
        .and_then(|c| c.items.iter_mut().find(|i| !i.deleted && i.data_id == data_id))
        .ok_or_else(|| ApiError::plain("Chat item not found"))?;
    item.good = good;
    item.bad = bad;
    Ok(json!({}))
}

fn guide(question: &str) -> Value {
    if question.is_empty() {
        return json!([]);
    }
    json!([
        format!("Tell me more about {question}"),
        format!("Why {question}?"),
        format!("What is an example of {question}?")
    ])
}

fn item_text(item: &Item) -> String {
    let texts: Vec<&str> = item
        .value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.pointer("/text/content").and_then(Value::as_str))
        .collect();
    texts.join(" ")
}

/// `POST /api/core/ai/agent/v2/createQuestionGuide`: three questions from the chat's last question.
pub fn question_guide(st: &mut State, req: &Req) -> Out {
    let (app, chat_id) = (s(&req.body, "appId"), s(&req.body, "chatId"));
    if app.is_empty() {
        return Err(ApiError::Known("unAuthChat"));
    }
    let last = st
        .chat(app, chat_id)
        .and_then(|c| c.live_items().filter(|i| i.obj == "Human").last())
        .map(item_text)
        .unwrap_or_default();
    Ok(guide(&last))
}

/// The legacy `POST /api/core/ai/agent/createQuestionGuide` `{messages}`.
pub fn question_guide_legacy(_: &mut State, req: &Req) -> Out {
    let last = req.body.get("messages").and_then(Value::as_array).and_then(|m| m.last());
    let text = match last.and_then(|m| m.get("content")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => {
            parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join(" ")
        }
        _ => String::new(),
    };
    Ok(guide(&text))
}
