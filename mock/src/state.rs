//! Everything the mock remembers, behind one Mutex: chats with their items, feedback, titles, top
//! flags, and the per-`x-mock-id` request statistics that drive `;times=N` faults.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::clock::now_ms;

/// How many request bodies `/mock/stats` keeps per id.
const KEEP_BODIES: usize = 16;

pub struct Item {
    /// A 24-hex `_id` in insertion order; items are kept in that order.
    pub id: String,
    pub data_id: String,
    /// "Human" or "AI".
    pub obj: &'static str,
    pub value: Value,
    pub time: i64,
    pub good: Option<String>,
    pub bad: Option<String>,
    /// Node responses of an AI item (what `getResData` returns).
    pub responses: Value,
    pub deleted: bool,
    pub duration: f64,
    /// AI points in units of 1e-4, summed exactly for the log analytics.
    pub points_e4: u64,
    pub error: Option<String>,
}

pub struct Chat {
    pub app_id: String,
    pub chat_id: String,
    pub title: String,
    pub custom_title: String,
    pub top: bool,
    pub user: String,
    pub source: &'static str,
    pub create_time: i64,
    pub update_time: i64,
    /// Breaks `update_time` ties so the history order is deterministic within a millisecond.
    pub update_seq: u64,
    pub deleted: bool,
    pub variables: Map<String, Value>,
    pub items: Vec<Item>,
}

#[derive(Default)]
pub struct Stats {
    pub requests: u64,
    pub bodies: VecDeque<Value>,
    pub headers: Value,
}

#[derive(Default)]
pub struct State {
    pub chats: HashMap<(String, String), Chat>,
    pub stats: HashMap<String, Stats>,
    /// `;times=N` counters for requests without `x-mock-id`, keyed by the fault string.
    pub fault_uses: HashMap<String, u64>,
    /// The knowledge base (datasets, collections, data).
    pub kb: crate::dataset::Kb,
    /// Streams running on a chat (appId, chatId), with their stop flag.
    pub running: HashMap<(String, String), Arc<AtomicBool>>,
    seq: u64,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl State {
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A 24-hex id that sorts in creation order, like a Mongo ObjectId.
    pub fn object_id(&mut self) -> String {
        let seq = self.next_seq();
        format!("{:08x}{:016x}", (now_ms() / 1000) as u32, seq)
    }

    /// A deterministic 16-char alphanumeric id, like FastGPT's `getNanoid()`.
    pub fn nanoid(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut x = splitmix(self.next_seq());
        (0..16)
            .map(|i| {
                if i == 8 {
                    x = splitmix(x);
                }
                let c = ALPHABET[(x % 62) as usize] as char;
                x /= 62;
                c
            })
            .collect()
    }

    /// A 24-char chat id, as `preChatRound` generates with `getNanoid(24)`.
    pub fn chat_id(&mut self) -> String {
        let a = self.nanoid();
        let b = self.nanoid();
        format!("{a}{}", &b[..8])
    }

    /// A new chat item; `data_id` defaults to a fresh nanoid as FastGPT's does.
    pub fn new_item(&mut self, obj: &'static str, data_id: Option<String>, value: Value) -> Item {
        Item {
            id: self.object_id(),
            data_id: data_id.unwrap_or_else(|| self.nanoid()),
            obj,
            value,
            time: now_ms(),
            good: None,
            bad: None,
            responses: Value::Array(Vec::new()),
            deleted: false,
            duration: 0.0,
            points_e4: 0,
            error: None,
        }
    }

    /// A live (not soft-deleted) chat.
    pub fn chat(&self, app_id: &str, chat_id: &str) -> Option<&Chat> {
        self.chats.get(&(app_id.to_string(), chat_id.to_string())).filter(|c| !c.deleted)
    }

    pub fn chat_mut(&mut self, app_id: &str, chat_id: &str) -> Option<&mut Chat> {
        self.chats.get_mut(&(app_id.to_string(), chat_id.to_string())).filter(|c| !c.deleted)
    }

    /// The live chat, created (or re-created over a deleted one) when needed.
    pub fn chat_or_create(&mut self, app_id: &str, chat_id: &str, title: &str, user: &str) -> &mut Chat {
        let now = now_ms();
        let seq = self.next_seq();
        let chat = self.chats.entry((app_id.to_string(), chat_id.to_string())).or_insert_with(|| Chat {
            app_id: app_id.to_string(),
            chat_id: chat_id.to_string(),
            title: String::new(),
            custom_title: String::new(),
            top: false,
            user: String::new(),
            source: "api",
            create_time: now,
            update_time: now,
            update_seq: seq,
            deleted: true,
            variables: Map::new(),
            items: Vec::new(),
        });
        if chat.deleted {
            chat.deleted = false;
            chat.title = title.to_string();
            chat.custom_title.clear();
            chat.top = false;
            chat.user = user.to_string();
            chat.create_time = now;
            chat.variables.clear();
            chat.items.clear();
        }
        chat.update_time = now;
        chat.update_seq = seq;
        chat
    }

    /// Counts a request carrying `x-mock-id: id` and returns how many there have been.
    pub fn record_request(&mut self, id: &str, body: Value, headers: Value) -> u64 {
        let s = self.stats.entry(id.to_string()).or_default();
        s.requests += 1;
        if s.bodies.len() == KEEP_BODIES {
            s.bodies.pop_front();
        }
        s.bodies.push_back(body);
        s.headers = headers;
        s.requests
    }
}

impl Chat {
    pub fn touch(&mut self, seq: u64) {
        self.update_time = now_ms();
        self.update_seq = seq;
    }

    pub fn live_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.deleted)
    }
}
