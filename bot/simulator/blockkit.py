"""A modest Block Kit validator so the fake Web API rejects payloads real Slack would reject."""

import re
from collections.abc import Callable
from typing import Any

KNOWN_BLOCKS = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "video",
}
TEXT_TYPES = {"plain_text", "mrkdwn"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
PICKERS = {"datepicker": ("initial_date", DATE, "YYYY-MM-DD date"), "timepicker": ("initial_time", TIME, "HH:mm time")}
SELECTS = {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
}


class _Checker:
    """Collects '[ERROR] ... [json-pointer:...]' messages like Slack's invalid_blocks responses."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        """Record one problem."""
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def text(self, obj: Any, ptr: str, *, max_len: int, plain_only: bool = False, required: bool = True) -> None:
        """Check a text composition object."""
        if obj is None:
            if required:
                self.fail("missing required field: text", ptr)
            return
        if not isinstance(obj, dict):
            self.fail("must be an object", ptr)
            return
        kind = obj.get("type")
        if kind not in TEXT_TYPES or (plain_only and kind != "plain_text"):
            allowed = "plain_text" if plain_only else "plain_text, mrkdwn"
            self.fail(f"must be one of the following types: {allowed}", f"{ptr}/type")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must be more than 0 characters", f"{ptr}/text")
        elif len(text) > max_len:
            self.fail(f"must be less than {max_len + 1} characters", f"{ptr}/text")

    def element(self, el: Any, ptr: str) -> None:
        """Check an interactive element (button, select, picker...)."""
        if not isinstance(el, dict) or not isinstance(el.get("type"), str):
            self.fail("must provide an element with a type", ptr)
            return
        action_id = el.get("action_id")
        if action_id is not None and (not isinstance(action_id, str) or len(action_id) > 255):
            self.fail("must be a string of at most 255 characters", f"{ptr}/action_id")
        check = _ELEMENT_CHECKS.get(el["type"])
        if check is not None:
            check(self, el, ptr)

    def button(self, el: dict[str, Any], ptr: str) -> None:
        """Check a button's label, value and style."""
        self.text(el.get("text"), f"{ptr}/text", max_len=75, plain_only=True)
        value = el.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            self.fail("must be less than 2001 characters", f"{ptr}/value")
        if el.get("style") not in (None, "primary", "danger"):
            self.fail("must be one of: primary, danger", f"{ptr}/style")

    def placeholder(self, el: dict[str, Any], ptr: str) -> None:
        """Check an optional placeholder."""
        if "placeholder" in el:
            self.text(el.get("placeholder"), f"{ptr}/placeholder", max_len=150, plain_only=True)

    def choice(self, el: dict[str, Any], ptr: str) -> None:
        """Check a select, overflow, radio group or checkbox group."""
        self.placeholder(el, ptr)
        options = el.get("options")
        if options is not None:
            self.options(options, f"{ptr}/options")
        elif el["type"] in {"static_select", "multi_static_select"} and "option_groups" not in el:
            self.fail("must provide either options or option_groups", ptr)

    def text_input(self, el: dict[str, Any], ptr: str) -> None:
        """Check a plain_text_input's max_length and initial value."""
        self.placeholder(el, ptr)
        limit = el.get("max_length", 3000)
        if not isinstance(limit, int) or not 1 <= limit <= 3000:
            self.fail("must be between 1 and 3000", f"{ptr}/max_length")
        elif len(str(el.get("initial_value", ""))) > limit:
            self.fail(f"must be at most {limit} characters (max_length)", f"{ptr}/initial_value")

    def picker(self, el: dict[str, Any], ptr: str) -> None:
        """Check a datepicker's or timepicker's initial value."""
        key, shape, shown = PICKERS[el["type"]]
        if key in el and not (isinstance(el[key], str) and shape.fullmatch(el[key])):
            self.fail(f"must be a valid {shown}", ptr)

    def image(self, el: dict[str, Any], ptr: str) -> None:
        """Check an image element or block."""
        if not el.get("image_url") and not el.get("slack_file"):
            self.fail("missing required field: image_url", ptr)
        if not el.get("alt_text"):
            self.fail("missing required field: alt_text", ptr)

    def options(self, options: Any, ptr: str) -> None:
        """Check an options array."""
        if not isinstance(options, list) or not options or len(options) > 100:
            self.fail("must provide between 1 and 100 options", ptr)
            return
        for i, opt in enumerate(options):
            if not isinstance(opt, dict):
                self.fail("must be an object", f"{ptr}/{i}")
                continue
            self.text(opt.get("text"), f"{ptr}/{i}/text", max_len=75)
            value = opt.get("value")
            if not isinstance(value, str) or len(value) > 150:
                self.fail("must be a string of at most 150 characters", f"{ptr}/{i}/value")

    def block(self, block: Any, ptr: str) -> None:
        """Check one layout block."""
        if not isinstance(block, dict):
            self.fail("must be an object", ptr)
            return
        kind = block.get("type")
        if kind not in KNOWN_BLOCKS:
            self.fail(f"unsupported type: {kind}", f"{ptr}/type")
            return
        check = _BLOCK_CHECKS.get(kind)
        if check is not None:
            check(self, block, ptr)

    def section(self, block: dict[str, Any], ptr: str) -> None:
        """Check a section's text, fields and accessory."""
        if "text" not in block and "fields" not in block:
            self.fail("must provide either text or fields", ptr)
        if "text" in block:
            self.text(block["text"], f"{ptr}/text", max_len=3000)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > 10:
                self.fail("must provide at most 10 fields", f"{ptr}/fields")
            else:
                for i, f in enumerate(fields):
                    self.text(f, f"{ptr}/fields/{i}", max_len=2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{ptr}/accessory")

    def header(self, block: dict[str, Any], ptr: str) -> None:
        """Check a header's plain text."""
        self.text(block.get("text"), f"{ptr}/text", max_len=150, plain_only=True)

    def elements(self, block: dict[str, Any], ptr: str) -> None:
        """Check the elements of an actions or context block (context also takes text objects)."""
        kind = block["type"]
        limit = 25 if kind == "actions" else 10
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements or len(elements) > limit:
            self.fail(f"must provide between 1 and {limit} elements", f"{ptr}/elements")
            return
        for i, el in enumerate(elements):
            el_ptr = f"{ptr}/elements/{i}"
            if kind == "context" and isinstance(el, dict) and el.get("type") in TEXT_TYPES:
                self.text(el, el_ptr, max_len=3000)
            else:
                self.element(el, el_ptr)

    def input_block(self, block: dict[str, Any], ptr: str) -> None:
        """Check an input block's label, hint and element."""
        self.text(block.get("label"), f"{ptr}/label", max_len=2000, plain_only=True)
        if "hint" in block:
            self.text(block["hint"], f"{ptr}/hint", max_len=2000, plain_only=True)
        if "element" not in block:
            self.fail("missing required field: element", ptr)
        else:
            self.element(block["element"], f"{ptr}/element")


_Check = Callable[[_Checker, dict[str, Any], str], None]
_ELEMENT_CHECKS: dict[str, _Check] = {
    "button": _Checker.button,
    **dict.fromkeys(SELECTS | {"overflow", "radio_buttons", "checkboxes"}, _Checker.choice),
    "plain_text_input": _Checker.text_input,
    "datepicker": _Checker.picker,
    "timepicker": _Checker.picker,
    "image": _Checker.image,
}
_BLOCK_CHECKS: dict[str, _Check] = {
    "section": _Checker.section,
    "header": _Checker.header,
    "actions": _Checker.elements,
    "context": _Checker.elements,
    "input": _Checker.input_block,
    "image": _Checker.element,  # an image block carries the same fields as an image element
}


def validate_blocks(blocks: Any, *, max_blocks: int = 50, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error messages for a blocks array (empty list when valid)."""
    checker = _Checker()
    if not isinstance(blocks, list):
        checker.fail("must be an array", pointer)
        return checker.errors
    if len(blocks) > max_blocks:
        checker.fail(f"must provide at most {max_blocks} items", pointer)
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"{pointer}/{i}")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen:
                checker.fail("duplicate block_id", f"{pointer}/{i}/block_id")
            if len(block_id) > 255:
                checker.fail("must be less than 256 characters", f"{pointer}/{i}/block_id")
            seen.add(block_id)
    return checker.errors


def validate_view(view: Any) -> list[str]:
    """Return Slack-style error messages for a modal or home-tab view."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.fail("must be an object", "/view")
        return checker.errors
    kind = view.get("type")
    if kind not in {"modal", "home"}:
        checker.fail("must be one of: modal, home", "/view/type")
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", max_len=24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(view[key], f"/view/{key}", max_len=24, plain_only=True)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and view.get("submit") is None:
            checker.fail("must provide a submit button when the view has input blocks", "/view/submit")
    metadata = view.get("private_metadata")
    if metadata is not None and (not isinstance(metadata, str) or len(metadata) > 3000):
        checker.fail("must be less than 3001 characters", "/view/private_metadata")
    callback_id = view.get("callback_id")
    if callback_id is not None and (not isinstance(callback_id, str) or len(callback_id) > 255):
        checker.fail("must be less than 256 characters", "/view/callback_id")
    checker.errors.extend(validate_blocks(view.get("blocks", []), max_blocks=100, pointer="/view/blocks"))
    return checker.errors
