//! App log analytics (§5.1/5.2), derived from the stored chats: day buckets, timestamps in ms.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Map, Value};

use crate::clock::DAY_MS;
use crate::envelope::{ApiError, Zod};
use crate::routes::{Req, ServerGen};
use crate::state::{Chat, State};

/// `AppLogTimespanEnum` (`packages/global/core/app/logs/constants.ts`).
const TIMESPANS: &[&str] = &["day", "week", "month", "quarter"];
const SOURCES: &[&str] =
    &["test", "online", "share", "api", "cronJob", "team", "feishu", "official_account", "wecom", "mcp"];

#[derive(Default)]
struct Bucket<'a> {
    users: HashSet<&'a str>,
    chats: HashSet<&'a str>,
    sources: HashMap<&'a str, u64>,
    items: u64,
    errors: u64,
    points_e4: u64,
    good: u64,
    bad: u64,
    response_time: f64,
}

fn points(e4: u64) -> f64 {
    e4 as f64 / 10_000.0
}

fn live_chats<'a>(st: &'a State, app: &'a str) -> impl Iterator<Item = &'a Chat> {
    st.chats.values().filter(move |c| !c.deleted && c.app_id == app)
}

/// Buckets the app's AI answers by UTC day over `[dateStart, dateEnd)`; only days with data appear.
pub fn chart_data(st: &mut State, req: &Req) -> Result<Value, ApiError> {
    let b = &req.body;
    let mut z = Zod::default();
    let app = z.string(b, "appId");
    let start = z.date(b, "dateStart");
    let end = z.date(b, "dateEnd");
    // `offset` (the retention offset) was required up to 4.14.5.1's schema; newer ones default it to 1.
    let _offset = if req.server_gen() == ServerGen::Old {
        z.number(b, "offset")
    } else {
        z.opt_number(b, "offset").unwrap_or(1.0)
    };
    for span in ["userTimespan", "chatTimespan", "appTimespan"] {
        z.enum_value(b, span, TIMESPANS);
    }
    if let Some(sources) = b.get("source") {
        match sources.as_array() {
            Some(list) => {
                for (i, v) in list.iter().enumerate() {
                    if !v.as_str().is_some_and(|s| SOURCES.contains(&s)) {
                        z.bad_enum_at(&["source".into(), i.into()], SOURCES);
                    }
                }
            }
            None => z.invalid(b, "source", "array", sources),
        }
    }
    z.finish()?;
    // A user is new on the day of their first chat with the app.
    let mut first_seen: HashMap<&str, i64> = HashMap::new();
    for c in live_chats(st, &app) {
        let day = c.create_time.div_euclid(DAY_MS);
        first_seen.entry(&c.user).and_modify(|d| *d = (*d).min(day)).or_insert(day);
    }
    let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
    for c in live_chats(st, &app) {
        for i in c.live_items().filter(|i| i.obj == "AI" && (start..end).contains(&i.time)) {
            let b = buckets.entry(i.time.div_euclid(DAY_MS)).or_default();
            b.users.insert(&c.user);
            if b.chats.insert(&c.chat_id) {
                *b.sources.entry(c.source).or_default() += 1;
            }
            b.items += 1;
            b.errors += u64::from(i.error.is_some());
            b.points_e4 += i.points_e4;
            b.good += u64::from(i.good.is_some());
            b.bad += u64::from(i.bad.is_some());
            b.response_time += i.duration;
        }
    }
    let (mut user_data, mut chat_data, mut app_data) = (vec![], vec![], vec![]);
    for (day, b) in &buckets {
        let ts = day * DAY_MS;
        let new_users = b.users.iter().filter(|u| first_seen.get(*u) == Some(day)).count();
        let sources: Map<String, Value> =
            SOURCES.iter().map(|s| (s.to_string(), b.sources.get(s).copied().unwrap_or(0).into())).collect();
        user_data.push(json!({"timestamp": ts, "summary": {"userCount": b.users.len(),
            "newUserCount": new_users, "retentionUserCount": 0, "points": points(b.points_e4),
            "sourceCountMap": sources}}));
        chat_data.push(json!({"timestamp": ts, "summary": {"chatItemCount": b.items,
            "chatCount": b.chats.len(), "errorCount": b.errors, "points": points(b.points_e4)}}));
        app_data.push(json!({"timestamp": ts, "summary": {"goodFeedBackCount": b.good,
            "badFeedBackCount": b.bad, "chatCount": b.chats.len(),
            "totalResponseTime": (b.response_time * 100.0).round() / 100.0}}));
    }
    Ok(json!({"userData": user_data, "chatData": chat_data, "appData": app_data}))
}

pub fn total_data(st: &mut State, req: &Req) -> Result<Value, ApiError> {
    let mut z = Zod::default();
    let app = z.string(&req.query, "appId");
    z.finish()?;
    let users: HashSet<&str> = live_chats(st, &app).map(|c| c.user.as_str()).collect();
    let chats = live_chats(st, &app).count();
    let e4: u64 = live_chats(st, &app).flat_map(|c| c.live_items()).map(|i| i.points_e4).sum();
    Ok(json!({"totalUsers": users.len(), "totalChats": chats, "totalPoints": points(e4)}))
}
