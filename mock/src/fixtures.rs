//! The literal error bodies in `fixtures/errors/` (see its README for the source of each), served
//! by `x-mock-fault: error=<name>`.

/// (name, HTTP status, body).
pub const ERRORS: &[(&str, u16, &str)] = &[
    ("aiPointsNotEnough", 500, include_str!("../fixtures/errors/aiPointsNotEnough.json")),
    ("aiPointsNotEnough-dev", 500, include_str!("../fixtures/errors/aiPointsNotEnough-dev.json")),
    ("aiPointsNotEnough-old", 500, include_str!("../fixtures/errors/aiPointsNotEnough-old.json")),
    ("appUnExist", 500, include_str!("../fixtures/errors/appUnExist.json")),
    ("chatIsGenerating", 500, include_str!("../fixtures/errors/chatIsGenerating.json")),
    ("chatIsGenerating-typed", 409, include_str!("../fixtures/errors/chatIsGenerating-typed.json")),
    ("commercialOnly", 500, include_str!("../fixtures/errors/commercialOnly.json")),
    ("insufficientQuota", 500, include_str!("../fixtures/errors/insufficientQuota.json")),
    ("keyExpired", 500, include_str!("../fixtures/errors/keyExpired.json")),
    ("methodNotAllowed", 405, include_str!("../fixtures/errors/methodNotAllowed.json")),
    ("missingParams", 500, include_str!("../fixtures/errors/missingParams.json")),
    ("openapiExceedLimit", 500, include_str!("../fixtures/errors/openapiExceedLimit.json")),
    ("openapiUnAuth", 500, include_str!("../fixtures/errors/openapiUnAuth.json")),
    ("openapiUnExist", 500, include_str!("../fixtures/errors/openapiUnExist.json")),
    ("teamQpmLimit", 500, include_str!("../fixtures/errors/teamQpmLimit.json")),
    ("tooManyRequest", 500, include_str!("../fixtures/errors/tooManyRequest.json")),
    ("unAuthApiKey", 500, include_str!("../fixtures/errors/unAuthApiKey.json")),
    ("unAuthApp", 500, include_str!("../fixtures/errors/unAuthApp.json")),
    ("unAuthChat", 500, include_str!("../fixtures/errors/unAuthChat.json")),
    ("unAuthTeam", 500, include_str!("../fixtures/errors/unAuthTeam.json")),
    ("unAuthorization", 500, include_str!("../fixtures/errors/unAuthorization.json")),
    ("unExistDataset", 500, include_str!("../fixtures/errors/unExistDataset.json")),
    ("zod", 500, include_str!("../fixtures/errors/zod.json")),
    ("zod-typed", 400, include_str!("../fixtures/errors/zod-typed.json")),
];

pub fn error(name: &str) -> Option<(u16, &'static str)> {
    ERRORS.iter().find(|e| e.0 == name).map(|e| (e.1, e.2.trim_end()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_fixture_is_an_envelope() {
        for (name, _, body) in super::ERRORS {
            let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(v["code"].is_u64() && v["statusText"].is_string() && v["message"].is_string(), "{name}");
            assert!(v["data"].is_null(), "{name}");
        }
    }
}
