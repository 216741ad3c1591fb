//! The bundled guide's structure that readers rely on: the account-type
//! question drives the main- and sub-account paths, the sub-account
//! cancellation applies only to sub-accounts and warns before its
//! irreversible request, unbinding cannot strand a sub-account user, the
//! seed's "one of these" lists are alternatives, and every path can reach
//! 100 %. Read from the built pages and the step manifest, as the reader's
//! scripts read them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::TestSite;

/// The bundled guide, built once per test.
fn built() -> TestSite {
    let site = TestSite::bundled();
    site.build().success();
    site
}

/// The manifest the checklist scripts load.
fn manifest(site: &TestSite) -> Value {
    let text = site.read("checklist/steps.js");
    let json = text
        .split_once("window.offboardManifest = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("the manifest assigns one global");
    serde_json::from_str(json).expect("the manifest is JSON")
}

/// The opening `<li …>` tag of step `id` in `html`.
fn step_tag<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!(" id=\"{id}\" data-step=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("step `{id}` is on the page"));
    let start = html[..at].rfind("<li").expect("a list item");
    let end = at + html[at..].find('>').expect("the tag ends");
    &html[start..=end]
}

/// Step `id`'s markup: its opening tag up to the next step (or the list's end).
fn step_block<'a>(html: &'a str, id: &str) -> &'a str {
    let tag = step_tag(html, id);
    let start = html.find(tag).expect("found above");
    let rest = &html[start + tag.len()..];
    let end = [
        "<li class=\"step\"",
        "<li class=\"step ",
        "</ol>",
        "</main>",
    ]
    .iter()
    .filter_map(|stop| rest.find(stop))
    .min()
    .unwrap_or(rest.len());
    &html[start..start + tag.len() + end]
}

/// The value of attribute `name` in an opening tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// Whether a boolean attribute is present in an opening tag.
fn has_flag(tag: &str, name: &str) -> bool {
    tag.contains(&format!(" {name}>")) || tag.contains(&format!(" {name} "))
}

/// Every step id on a page, in page order.
fn step_ids(html: &str) -> Vec<&str> {
    html.match_indices(" data-step=\"")
        .filter_map(|(at, marker)| {
            let start = at + marker.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

#[test]
fn the_site_asks_the_seeds_two_questions() {
    let site = built();
    let manifest = manifest(&site);
    let questions: Vec<(String, Vec<String>)> = manifest["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|question| {
            let answers = question["answers"]
                .as_array()
                .expect("answers")
                .iter()
                .map(|answer| format!("{}={}", answer["id"], answer["label"]))
                .collect();
            (question["id"].to_string(), answers)
        })
        .collect();
    assert_eq!(
        questions,
        [
            (
                "\"account\"".to_owned(),
                vec![
                    "\"main\"=\"主账号\"".to_owned(),
                    "\"sub\"=\"子账号\"".to_owned()
                ]
            ),
            (
                "\"verified\"".to_owned(),
                vec![
                    "\"yes\"=\"已实名认证\"".to_owned(),
                    "\"no\"=\"未实名认证\"".to_owned()
                ]
            ),
        ]
    );
    let phases: Vec<&str> = manifest["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .filter_map(|phase| phase["label"].as_str())
        .collect();
    assert_eq!(phases, ["离职前", "注销子账号", "离职后"]);
}

#[test]
fn the_cancellation_is_the_sub_accounts_and_says_its_review_time_up_front() {
    let site = built();
    let html = site.read("cancel-account/index.html");
    assert!(
        html.contains("<title>注销子账号"),
        "titled as the sub-account's"
    );
    let ids = step_ids(&html);
    assert_eq!(
        ids,
        [
            "open-security-settings",
            "click-cancel",
            "accept-agreement",
            "check-resources",
            "wait-review",
            "receive-result"
        ]
    );
    for id in &ids {
        assert_eq!(
            attr(step_tag(&html, id), "data-when"),
            Some("account=sub"),
            "`{id}` applies to sub-accounts only"
        );
    }
    let first_step = html.find("<li class=\"step").expect("steps");
    let before = &html[..first_step];
    assert!(before.contains("3 个工作日"), "the review time comes first");
    assert!(before.contains("尽早开始"), "and says to start early");
    assert!(html.contains("仅子账号"), "the condition in words");
}

#[test]
fn only_the_cancel_request_is_irreversible_and_it_says_so_in_words() {
    let site = built();
    let html = site.read("cancel-account/index.html");
    for id in step_ids(&html) {
        let tag = step_tag(&html, id);
        let irreversible = has_flag(tag, "data-irreversible");
        assert_eq!(irreversible, id == "check-resources", "`{id}`: {tag}");
    }
    let request = step_block(&html, "check-resources");
    assert!(request.contains("class=\"step-irreversible\""), "{request}");
    assert!(request.contains("不可撤销"), "{request}");
    assert!(request.contains("注销申请"), "the step names the request");
}

#[test]
fn a_sub_account_unbinds_its_phone_email_and_wechat_only_after_the_result() {
    let site = built();
    let html = site.read("before-leaving/unbind-contacts/index.html");
    let first_step = html.find("<li class=\"step").expect("steps");
    let before = &html[..first_step];
    for word in ["安全手机", "安全邮箱", "身份验证", "收到注销结果通知后"] {
        assert!(before.contains(word), "the page says why first: {word}");
    }
    for contact in ["phone", "email", "wechat"] {
        let main = step_tag(&html, &format!("unbind-{contact}"));
        assert_eq!(attr(main, "data-when"), Some("account=main"), "{main}");
        assert_eq!(attr(main, "data-requires"), None, "{main}");
        let sub = step_tag(&html, &format!("unbind-{contact}-after-cancel"));
        assert_eq!(attr(sub, "data-when"), Some("account=sub"), "{sub}");
        assert_eq!(
            attr(sub, "data-requires"),
            Some("cancel-account/_index#receive-result"),
            "{sub}"
        );
    }
    for contact in ["wecom", "qq", "wechat-mp"] {
        let tag = step_tag(&html, &format!("unbind-{contact}"));
        assert_eq!(attr(tag, "data-when"), None, "both paths: {tag}");
    }
}

#[test]
fn the_seeds_one_of_these_lists_are_alternatives() {
    let site = built();
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            "before-leaving/materials/index.html",
            "before-leaving/materials#identity",
            &[
                "face-recognition",
                "id-photos",
                "check-security-verification",
            ],
        ),
        (
            "after-leaving/security-verification/index.html",
            "after-leaving/security-verification#verify-method",
            &[
                "change-verify-phone",
                "unbind-verify-wechat",
                "unbind-verify-email",
                "unbind-verify-qq",
            ],
        ),
        (
            "after-leaving/recover-account/index.html",
            "after-leaving/recover-account#recover-way",
            &[
                "recover-by-company-info",
                "recover-by-personal-info",
                "recover-by-security-phone",
                "recover-by-domain",
                "recover-by-icp-filing",
                "recover-by-server-ip",
                "recover-by-account-id",
            ],
        ),
    ];
    for (page, choice, members) in cases {
        let html = site.read(page);
        for (n, id) in members.iter().enumerate() {
            let block = step_block(&html, id);
            assert_eq!(attr(step_tag(&html, id), "data-choice"), Some(choice));
            assert_eq!(
                block.contains("class=\"step-or\""),
                n > 0,
                "\"or\" before every member but the first: {block}"
            );
        }
        assert!(html.contains("任选其一"), "{page} says one is enough");
    }
}

#[test]
fn identity_materials_follow_the_verification_answer() {
    let site = built();
    let html = site.read("before-leaving/materials/index.html");
    for id in ["face-recognition", "id-photos"] {
        let tag = step_tag(&html, id);
        // The attribute as written in HTML: `&` escaped.
        assert_eq!(attr(tag, "data-when"), Some("account=sub&amp;verified=yes"));
    }
    let unverified = step_tag(&html, "check-security-verification");
    assert_eq!(
        attr(unverified, "data-when"),
        Some("account=sub&amp;verified=no")
    );
    let block = step_block(&html, "check-security-verification");
    assert!(block.contains("无需上传材料"), "{block}");
    let photos = step_block(&html, "id-photos");
    assert!(photos.contains("彩色扫描件"), "{photos}");
}

#[test]
fn no_invented_role_or_mislabelled_link() {
    let site = built();
    let home = site.read("index.html");
    for invented in ["直属经理", "核对", "管理员"] {
        assert!(!home.contains(invented), "the seed names no {invented}");
    }
    let appeal = site.read("after-leaving/appeal-new-email/index.html");
    let block = step_block(&appeal, "appeal-bind-email");
    assert!(
        block.contains("apply-login"),
        "links to the appeal: {block}"
    );
    assert!(
        !block.contains("打开控制台"),
        "the appeal is not the console: {block}"
    );
}

/// A reader's answers: question id → answer id.
type Answers = BTreeMap<&'static str, &'static str>;

/// Whether a manifest step applies with `answers` (roles left unchosen).
fn applies(step: &Value, answers: &Answers) -> bool {
    let Some(when) = step["when"].as_object() else {
        return true;
    };
    when.iter().all(|(question, allowed)| {
        let answer = answers.get(question.as_str()).expect("answered");
        allowed
            .as_array()
            .expect("a list of answers")
            .iter()
            .any(|id| id == answer)
    })
}

/// Ticks every applying step whose requirements are met, again and again,
/// as a reader would; returns the keys in the order ticked and whether
/// every counted unit (a step, or one choice group) ended up done.
fn tick_everything(manifest: &Value, answers: &Answers) -> (Vec<String>, bool) {
    let steps: Vec<&Value> = manifest["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .flat_map(|page| page["steps"].as_array().expect("steps"))
        .filter(|step| applies(step, answers))
        .collect();
    let choice_of: BTreeMap<&str, &str> = manifest["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .flat_map(|page| page["steps"].as_array().expect("steps"))
        .filter_map(|step| Some((step["key"].as_str()?, step["choice"].as_str()?)))
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut choices_done: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::new();
    loop {
        let ready = steps.iter().find(|step| {
            let key = step["key"].as_str().expect("key");
            !done.contains(key)
                && step["requires"].as_array().is_none_or(|requires| {
                    requires.iter().all(|target| {
                        let target = target.as_str().expect("a key");
                        done.contains(target)
                            || choice_of
                                .get(target)
                                .is_some_and(|choice| choices_done.contains(choice))
                    })
                })
        });
        let Some(step) = ready else { break };
        let key = step["key"].as_str().expect("key");
        done.insert(key);
        if let Some(choice) = step["choice"].as_str() {
            choices_done.insert(choice);
        }
        order.push(key.to_owned());
    }
    let complete = steps.iter().all(|step| {
        step["optional"] == true
            || done.contains(step["key"].as_str().expect("key"))
            || step["choice"]
                .as_str()
                .is_some_and(|choice| choices_done.contains(choice))
    });
    (order, complete)
}

/// Every path through the questions.
fn paths() -> Vec<Answers> {
    let mut all = Vec::new();
    for account in ["main", "sub"] {
        for verified in ["yes", "no"] {
            all.push(Answers::from([
                ("account", account),
                ("verified", verified),
            ]));
        }
    }
    all
}

#[test]
fn every_path_can_reach_one_hundred_percent_in_an_order_that_strands_no_one() {
    let site = built();
    let manifest = manifest(&site);
    for answers in paths() {
        let (order, complete) = tick_everything(&manifest, &answers);
        assert!(complete, "{answers:?}: stuck after {order:?}");
        let position = |key: &str| order.iter().position(|done| done == key);
        let cancel = position("cancel-account/_index#open-security-settings");
        let result = position("cancel-account/_index#receive-result");
        let phone_main = position("before-leaving/unbind-contacts#unbind-phone");
        let phone_sub = position("before-leaving/unbind-contacts#unbind-phone-after-cancel");
        if answers["account"] == "main" {
            assert_eq!(
                (cancel, result),
                (None, None),
                "a main account is not cancelled"
            );
            assert!(phone_main.is_some() && phone_sub.is_none(), "{order:?}");
        } else {
            assert!(phone_main.is_none(), "{order:?}");
            assert!(
                matches!((result, phone_sub), (Some(result), Some(phone)) if result < phone),
                "unbound only after the result: {order:?}"
            );
        }
    }
}

#[test]
fn the_sub_path_counts_one_identity_unit_whatever_the_verification() {
    let site = built();
    let manifest = manifest(&site);
    let identity = |answers: &Answers| -> Vec<String> {
        manifest["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .flat_map(|page| page["steps"].as_array().expect("steps"))
            .filter(|step| step["choice"] == "before-leaving/materials#identity")
            .filter(|step| applies(step, answers))
            .filter_map(|step| step["id"].as_str().map(str::to_owned))
            .collect()
    };
    let verified = Answers::from([("account", "sub"), ("verified", "yes")]);
    let unverified = Answers::from([("account", "sub"), ("verified", "no")]);
    let main = Answers::from([("account", "main"), ("verified", "yes")]);
    assert_eq!(identity(&verified), ["face-recognition", "id-photos"]);
    assert_eq!(identity(&unverified), ["check-security-verification"]);
    assert!(
        identity(&main).is_empty(),
        "no materials for a main account"
    );
}

#[test]
fn steps_name_only_what_differs_from_their_page() {
    let site = built();
    let unbind = site.read("before-leaving/unbind-contacts/index.html");
    assert!(
        unbind.contains(
            "<span class=\"pill pill-role\"><span class=\"meta-key\">角色</span> 离职员工</span>"
        ),
        "the page says its role once"
    );
    let phone = step_block(&unbind, "unbind-phone");
    assert!(!phone.contains("step-role"), "{phone}");
    assert!(!phone.contains("step-phase"), "{phone}");
    assert!(
        phone.contains("仅主账号"),
        "its own condition stays: {phone}"
    );
    let wecom = step_block(&unbind, "unbind-wecom");
    assert!(!wecom.contains("step-when"), "{wecom}");

    // The cancellation page's condition is said once, above its steps.
    let cancel = site.read("cancel-account/index.html");
    assert!(cancel.contains("<strong class=\"page-when-key\">本页适用于</strong> 仅子账号"));
    let request = step_block(&cancel, "check-resources");
    assert!(!request.contains("step-when"), "{request}");
    assert!(request.contains("不可撤销"), "{request}");

    // The overview lists every page's steps together: there they keep all.
    let overview = site.read("checklist/index.html");
    let listed = &overview[overview
        .find("id=\"cancel-account/_index--check-resources\"")
        .expect("listed")..];
    let listed = &listed[..listed.find("</li>\n<li").unwrap_or(listed.len())];
    assert!(listed.contains("step-when"), "{listed}");
}

#[test]
fn the_plan_starts_the_cancellation_early_enough_for_the_review_and_unbinds_after_it() {
    let site = built();
    let home = site.read("index.html");
    assert!(
        home.contains(" data-schedule-label=\"最后工作日\" data-holidays=\"\">"),
        "the schedule on <body>, no invented holidays"
    );
    let manifest = manifest(&site);
    let mut due: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for page in manifest["pages"].as_array().expect("pages") {
        for step in page["steps"].as_array().expect("steps") {
            let text = |field: &str| step[field].as_str().map(str::to_owned);
            due.insert(text("key").expect("a key"), (text("due"), text("lead")));
        }
    }
    let of = |key: &str| due.get(key).cloned().unwrap_or_else(|| panic!("{key}"));
    let plain = |offset: &str| (Some(offset.to_owned()), None);
    // The review takes about 3 working days (its estimate) and its result
    // comes a working day before the last one, so the request (and all it
    // needs) is due 4 working days before.
    assert_eq!(
        of("cancel-account/_index#wait-review"),
        (Some("-1wd".to_owned()), Some("3wd".to_owned()))
    );
    assert_eq!(of("cancel-account/_index#receive-result"), plain("-1wd"));
    for key in [
        "cancel-account/_index#open-security-settings",
        "cancel-account/_index#check-resources",
        "before-leaving/materials#face-recognition",
        "before-leaving/_index#identify-account-type",
    ] {
        assert_eq!(of(key), plain("-4wd"), "{key}");
    }
    // Unbinding after the result, and every other step before leaving, by
    // the last working day.
    for key in [
        "before-leaving/unbind-contacts#unbind-phone-after-cancel",
        "before-leaving/unbind-contacts#unbind-phone",
        "before-leaving/unbind-contacts#unbind-wecom",
        "before-leaving/_index#main-account-update-contacts",
    ] {
        assert_eq!(of(key), plain("0wd"), "{key}");
    }
    // After leaving: the account owner's, with no date from the seed.
    for (key, plan) in &due {
        if key.starts_with("after-leaving/") {
            assert_eq!(plan, &(None, None), "{key}");
        }
    }
    // Said after the steps: before them the page already says to start
    // early, and on a phone the first step must show without scrolling.
    let cancel = site.read("cancel-account/index.html");
    assert!(
        cancel.contains("才来得及在最后工作日解绑这些联系方式；加上约 3 个工作日的审核，注销申请最晚在最后工作日前 4 个工作日提交"),
        "the page says why the date is what it is"
    );
}
