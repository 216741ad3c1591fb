//! Interface words in the site's language. A `zh*` language gets Chinese,
//! anything else English. Templates receive them as `t`; the renderer uses
//! the same table, so a word is translated in one place.

use std::collections::BTreeMap;

use crate::markdown::Labels;

/// Which table of words to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Simplified Chinese.
    Chinese,
    /// English (the fallback).
    English,
}

impl Language {
    /// The table for a BCP 47 tag such as `zh-CN` or `en`.
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Self::Chinese
        } else {
            Self::English
        }
    }

    /// One interface word. Unknown keys return the key itself, which a test
    /// guards against.
    pub fn word(self, key: &str) -> &'static str {
        WORDS
            .iter()
            .find(|(name, _, _)| *name == key)
            .map_or(
                "",
                |(_, zh, en)| if self == Self::Chinese { zh } else { en },
            )
    }

    /// Every word, for templates (`t.key`).
    pub fn all_words(self) -> BTreeMap<&'static str, &'static str> {
        WORDS
            .iter()
            .map(|(name, _, _)| (*name, self.word(name)))
            .collect()
    }

    /// Words the Markdown renderer writes itself.
    pub fn markdown_labels(self) -> Labels {
        Labels {
            note: self.word("note").to_owned(),
            tip: self.word("tip").to_owned(),
            important: self.word("important").to_owned(),
            warning: self.word("warning").to_owned(),
            caution: self.word("caution").to_owned(),
            external_link: self.word("external_link_hidden").to_owned(),
            image_failed: self.word("image_failed").to_owned(),
        }
    }

    /// "about 5 min" / "约 5 分钟" for an amount and a unit (`m`, `h`,
    /// `d`, `wd` for working days, `w`).
    pub fn duration(self, amount: &str, unit: &str) -> String {
        let (zh, en) = match unit {
            "m" => ("分钟", "min"),
            "h" => ("小时", "h"),
            "d" => ("天", "days"),
            "wd" => ("个工作日", "working days"),
            _ => ("周", "weeks"),
        };
        match self {
            Self::Chinese => format!("约 {amount} {zh}"),
            Self::English => format!("about {amount} {en}"),
        }
    }

    /// `text` in parentheses, as the language writes them.
    pub fn parenthesize(self, text: &str) -> String {
        if self == Self::Chinese {
            format!("（{text}）")
        } else {
            format!(" ({text})")
        }
    }

    /// The separator between items of an inline list.
    pub fn list_separator(self) -> &'static str {
        if self == Self::Chinese { "、" } else { ", " }
    }

    /// A day in words: `2026年12月5日`, `5 December 2026`. `month` is 1–12.
    pub fn long_date(self, year: u32, month: u32, day: u32) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Self::Chinese => format!("{year}年{month}月{day}日"),
            Self::English => {
                let name = usize::try_from(month)
                    .ok()
                    .and_then(|month| MONTHS.get(month.checked_sub(1)?))
                    .copied()
                    .unwrap_or("?");
                format!("{day} {name} {year}")
            }
        }
    }
}

/// (key, Chinese, English).
const WORDS: &[(&str, &str, &str)] = &[
    ("skip_to_content", "跳到正文", "Skip to content"),
    ("menu", "目录导航", "Menu"),
    ("contents", "本页内容", "On this page"),
    ("previous", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("home", "首页", "Home"),
    // A long sidebar list shows the entries around the current page, then
    // this link to the page that lists them all; `{n}` is how many it left out.
    ("nav_more", "查看其余 {n} 项", "{n} more"),
    ("checklist", "检查清单", "Checklist"),
    (
        "checklist_intro",
        "本指南的全部步骤，按阶段排列。勾选进度只保存在您自己的浏览器中。",
        "Every step of this guide, grouped by phase. Your progress is stored only in your own browser.",
    ),
    ("not_found_title", "找不到该页面", "Page not found"),
    (
        "not_found_text",
        "您要找的页面不存在，可能已被移动或删除。",
        "The page you are looking for does not exist. It may have been moved or removed.",
    ),
    ("back_home", "返回首页", "Back to the home page"),
    ("language_switch", "语言", "Language"),
    (
        "untranslated",
        "本页尚未翻译，以下为原文。",
        "This page has not been translated yet; it is shown in its original language.",
    ),
    ("steps_count", "个步骤", "steps"),
    ("progress", "进度", "Progress"),
    ("role", "角色", "Role"),
    ("phase", "阶段", "Phase"),
    ("estimate", "预计用时", "Estimate"),
    ("materials", "所需材料", "You will need"),
    ("requires", "前置步骤", "Do first"),
    ("when_only", "仅", "Only if: "),
    ("when_and", "，且", " and "),
    ("when_or", "或", " or "),
    ("step_applies", "适用", "Applies"),
    ("page_applies", "本页适用于", "This page:"),
    ("step_optional", "可选", "optional"),
    ("step_irreversible", "不可撤销", "Irreversible"),
    (
        "step_irreversible_text",
        "此操作完成后无法撤销。",
        "This cannot be undone once done.",
    ),
    ("choice_intro", "任选其一", "Do one of these"),
    ("choice_or", "或", "or"),
    ("console_link", "打开控制台", "Open the console"),
    ("external_link", "外部链接", "external link"),
    ("external_link_hidden", "（外部链接）", " (external link)"),
    (
        "image_failed",
        "图片未能加载，可打开原图：",
        "The image did not load. Open it:",
    ),
    ("copy_code", "复制", "Copy"),
    ("copied_code", "已复制", "Copied"),
    (
        "copy_code_failed",
        "复制失败，请手动选择",
        "Copy failed; select the text",
    ),
    ("search", "搜索", "Search"),
    ("search_placeholder", "搜索指南…", "Search the guide…"),
    // The search client (passed in `search/index.js`); `{query}` and
    // `{count}` are filled in there.
    ("search_results_label", "搜索结果", "Search results"),
    ("search_results", "{count} 个结果", "Results: {count}"),
    (
        "search_results_more",
        "前 {shown} 个结果，共 {count} 个",
        "Top {shown} of {count} results",
    ),
    (
        "search_no_results",
        "没有找到与“{query}”相关的内容",
        "No results for “{query}”",
    ),
    (
        "search_load_error",
        "搜索索引加载失败，请刷新页面重试。",
        "The search index could not be loaded. Reload the page to try again.",
    ),
    ("search_step", "步骤", "Step"),
    (
        "search_hint",
        "↑↓ 选择 · Enter 打开 · Esc 关闭",
        "↑↓ to choose · Enter to open · Esc to close",
    ),
    (
        "generated_by",
        "由 offboard-site 生成",
        "Made with offboard-site",
    ),
    (
        "edit_hint",
        "勾选的进度只保存在本浏览器中，不会发送到任何地方。",
        "Ticked steps are saved in this browser only and are never sent anywhere.",
    ),
    ("all_steps", "全部步骤", "All steps"),
    // Below a page: the date of the last commit of its source, and a link
    // to edit it (`edit_url` in `site.toml`).
    ("last_updated", "最后更新于", "Last updated"),
    ("edit_page", "编辑本页", "Edit this page"),
    (
        "no_steps",
        "本页没有需要勾选的步骤。",
        "This page has no steps to tick.",
    ),
    ("breadcrumbs", "面包屑导航", "Breadcrumbs"),
    ("note", "说明", "Note"),
    ("tip", "提示", "Tip"),
    ("important", "重要", "Important"),
    ("warning", "注意", "Warning"),
    ("caution", "警告", "Caution"),
    ("unphased", "其他步骤", "Other steps"),
    // The reader-side checklist scripts (passed to them by the step
    // manifest). `{done}`, `{total}`, `{step}`, `{role}` are filled in there.
    ("progress_page", "本页进度", "This page"),
    ("progress_guide", "全部进度", "Whole guide"),
    ("progress_count", "{done}/{total}", "{done}/{total}"),
    (
        "progress_count_long",
        "已完成 {done}/{total} 个步骤",
        "{done} of {total} steps done",
    ),
    (
        "progress_for_role",
        "仅统计{role}的步骤",
        "Counting steps for {role}",
    ),
    ("progress_complete", "已全部完成", "All done"),
    ("role_legend", "我是", "I am"),
    ("role_everyone", "全部角色", "Everyone"),
    (
        "role_hide_others",
        "隐藏不适用于我的步骤",
        "Hide steps that do not apply to me",
    ),
    (
        "live_role",
        "已突出显示{role}的步骤",
        "Showing the steps for {role}",
    ),
    (
        "live_role_everyone",
        "已显示全部角色的步骤",
        "Showing everyone's steps",
    ),
    ("live_done", "已完成：{step}。", "Done: {step}."),
    ("live_undone", "已取消勾选：{step}。", "Not done: {step}."),
    (
        "live_unblocked",
        "前置步骤已全部完成，可以开始：{step}。",
        "You can now start: {step}.",
    ),
    ("live_reset", "进度已重置。", "Progress has been reset."),
    ("blocked_status", "尚不能开始", "Cannot start yet"),
    ("blocked_text", "请先完成：", "First finish: "),
    (
        "blocked_after_steps",
        "完成第 {steps} 步后开始",
        "Start after step {steps}",
    ),
    ("blocked_steps_joiner", "、", ", "),
    ("step_of_role", "（{role}的步骤）", " (a step for {role})"),
    (
        "storage_unavailable",
        "此浏览器无法保存进度（可能处于隐私浏览模式），关闭页面后勾选将丢失。",
        "This browser cannot save progress (perhaps a private window): ticks will be lost when the page is closed.",
    ),
    ("view_checklist", "查看检查清单", "View the checklist"),
    ("tools_title", "进度与记录", "Progress and record"),
    (
        "reader_name",
        "姓名（可选，写入完成记录）",
        "Your name (optional, for the record)",
    ),
    ("export_json", "导出记录（JSON）", "Export record (JSON)"),
    ("print_record", "打印完成记录", "Print completion record"),
    ("reset", "重置进度", "Reset progress"),
    ("reset_title", "要重置全部进度吗？", "Reset all progress?"),
    (
        "reset_text",
        "这会清除本浏览器中本指南的全部勾选（已完成 {done} 个步骤）和角色选择，且无法撤销。如需留存，请先导出记录。",
        "This clears every ticked step ({done} done) and your role in this browser, and cannot be undone. Export the record first if you need it.",
    ),
    ("reset_confirm", "重置", "Reset"),
    ("cancel", "取消", "Cancel"),
    ("record_title", "完成记录", "Completion record"),
    ("record_name", "姓名", "Name"),
    ("record_generated", "生成时间", "Generated"),
    ("record_done", "已完成的步骤", "Steps done"),
    ("record_open", "尚未完成的步骤", "Still to do"),
    ("record_step", "步骤", "Step"),
    ("record_page", "页面", "Page"),
    ("record_ticked", "勾选时间", "Ticked"),
    ("record_none", "无", "None"),
    ("record_guide", "指南", "Guide"),
    ("print", "打印", "Print"),
    ("close_record", "关闭记录", "Close the record"),
    ("live_progress", "{scope}：{count}。", "{scope}: {count}."),
    ("record_received", "接收人签字", "Received by (signature)"),
    ("record_date", "日期", "Date"),
    // The reader's answers panel (templates) and what the scripts say
    // about applicability, statuses, alternatives, changed and
    // irreversible steps, and the record's answers.
    ("answers_title", "您的情况", "Your situation"),
    (
        "answers_hint",
        "回答后只列出适用于您的步骤；未回答时显示全部步骤及各自的适用条件。可随时更改。",
        "Answer to see only the steps that apply to you; unanswered, every step shows with its condition. You can change this at any time.",
    ),
    ("answer_unset", "不确定", "Not sure"),
    ("answer_none", "未回答", "Not answered"),
    (
        "progress_for_answers",
        "只统计适用于您的步骤。",
        "Counting the steps that apply to you.",
    ),
    ("page_status", "本页状态：", "This page:"),
    (
        "progress_none_applies",
        "这里没有适用于您的步骤",
        "No steps here apply to you",
    ),
    ("status_blocked", "尚不能开始", "Cannot start yet"),
    ("status_todo", "待完成", "To do"),
    ("status_done", "已完成", "Done"),
    ("status_na", "不适用", "Not applicable"),
    ("status_other", "已选其他做法", "Done another way"),
    ("or_alternative", "或其替代做法", "or an alternative"),
    (
        "changed_text",
        "此步骤在您勾选后已更新",
        "This step has changed since you ticked it",
    ),
    ("changed_confirm", "已阅读，仍算完成", "Read it: still done"),
    ("live_reconfirmed", "已确认：{step}。", "Confirmed: {step}."),
    (
        "live_answers",
        "已按您的回答更新步骤。",
        "The steps now follow your answers.",
    ),
    (
        "irreversible_title",
        "此步骤无法撤销",
        "This step cannot be undone",
    ),
    (
        "irreversible_text",
        "“{step}”完成后无法撤销，而前置步骤尚未全部完成：{steps}。确定已经完成了吗？",
        "“{step}” cannot be undone, and these steps that come first are not done yet: {steps}. Is it really done?",
    ),
    ("irreversible_confirm", "确认已完成", "Yes, it is done"),
    ("record_answers", "您的回答", "Your answers"),
    ("record_na", "不适用的步骤", "Steps that do not apply"),
    ("record_optional", "可选", "optional"),
    ("record_choice", "任选其一", "any one of"),
    ("record_or", "或", "or"),
    ("record_condition", "适用条件", "Applies if"),
    (
        "progress_none_for_role",
        "这里没有{role}的步骤",
        "No steps for {role} here",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_for_zh_tags_english_otherwise() {
        assert_eq!(Language::from_tag("zh-CN").word("next"), "下一页");
        assert_eq!(Language::from_tag("en").word("next"), "Next");
        assert_eq!(Language::from_tag("fr").word("next"), "Next");
    }

    #[test]
    fn every_word_is_translated() {
        for (key, zh, en) in WORDS {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(Language::Chinese.duration("5", "m"), "约 5 分钟");
        assert_eq!(Language::Chinese.duration("3", "wd"), "约 3 个工作日");
        assert_eq!(Language::English.duration("3", "d"), "about 3 days");
    }
}
