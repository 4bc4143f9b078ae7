"""views.* methods of the fake Web API (modals with a per-user stack, and App Home tabs)."""

import secrets
import time
from typing import Any

from bot.simulator.blockkit import validate_view
from bot.simulator.webapi_methods import ApiError, Method, MethodGroup, Params, Response, SlackState, text_param

MAX_STACK = 3


def build_view(
    state: SlackState, spec: dict[str, Any], view_id: str, *, root: str | None = None, previous: str | None = None
) -> dict[str, Any]:
    """Turn a submitted view definition into the object Slack returns and stores."""
    w = state.world
    return {
        "id": view_id,
        "team_id": w.team_id,
        "type": spec.get("type", "modal"),
        "blocks": spec.get("blocks", []),
        "private_metadata": spec.get("private_metadata", ""),
        "callback_id": spec.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": spec.get("title"),
        "clear_on_close": bool(spec.get("clear_on_close", False)),
        "notify_on_close": bool(spec.get("notify_on_close", False)),
        "close": spec.get("close"),
        "submit": spec.get("submit"),
        "previous_view_id": previous,
        "root_view_id": root or view_id,
        "app_id": w.app_id,
        "external_id": spec.get("external_id", ""),
        "app_installed_team_id": w.team_id,
        "bot_id": w.bot_id,
    }


class ViewMethods(MethodGroup):
    """Implements views.open / views.push / views.update / views.publish on a SlackState."""

    def table(self) -> dict[str, Method]:
        """views.* by name."""
        return {
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
        }

    def _spec(self, params: Params) -> dict[str, Any]:
        """Extract and validate the `view` argument."""
        spec = params.get("view")
        if spec is None or spec == "":
            raise ApiError("invalid_arguments", ["missing required field: view"])
        errors = validate_view(spec)
        if errors or not isinstance(spec, dict):
            raise ApiError("invalid_arguments", errors or ["must be an object [json-pointer:/view]"])
        return spec

    def _use_trigger(self, params: Params) -> str | None:
        """Consume a trigger id; return the user it was issued for (None for foreign trigger ids)."""
        trigger_id = text_param(params, "trigger_id", required=True)
        info = self.state.triggers.get(trigger_id)
        if info is None:
            return None
        if info["used"]:
            raise ApiError("exchanged_trigger_id")
        ttl = self.state.trigger_ttl
        if ttl is not None and time.monotonic() - info["issued"] > ttl:
            raise ApiError("expired_trigger_id")
        info["used"] = True
        user: str | None = info["user"]
        return user

    def _store(self, view: dict[str, Any], user: str | None) -> None:
        """Remember a view and who sees it."""
        self.state.views[view["id"]] = view
        if user:
            self.state.view_owners[view["id"]] = user

    def views_open(self, params: Params) -> Response:
        """views.open: start a new modal stack for the trigger's user."""
        spec = self._spec(params)
        user = self._use_trigger(params)
        view = build_view(self.state, spec, self.state.new_id("V"))
        self._store(view, user)
        if user:
            self.state.view_stacks[user] = [view["id"]]
        return {"view": view}

    def views_push(self, params: Params) -> Response:
        """views.push: push onto the user's modal stack (at most 3 views)."""
        spec = self._spec(params)
        user = self._use_trigger(params)
        stack = self.state.view_stacks.get(user, []) if user else []
        if len(stack) >= MAX_STACK:
            raise ApiError("push_limit_reached")
        view_id = self.state.new_id("V")
        view = build_view(
            self.state, spec, view_id, root=stack[0] if stack else None, previous=stack[-1] if stack else None
        )
        self._store(view, user)
        if user:
            self.state.view_stacks[user] = [*stack, view_id]
        return {"view": view}

    def views_update(self, params: Params) -> Response:
        """views.update by view_id or external_id, honouring `hash`."""
        spec = self._spec(params)
        view_id = text_param(params, "view_id")
        external_id = text_param(params, "external_id")
        if not view_id and not external_id:
            raise ApiError("invalid_arguments", ["must provide view_id or external_id"])
        current = self.state.views.get(view_id) if view_id else None
        if current is None and external_id:
            current = next((v for v in self.state.views.values() if v.get("external_id") == external_id), None)
        if current is None:
            raise ApiError("not_found")
        expected = text_param(params, "hash")
        if expected and expected != current["hash"]:
            raise ApiError("hash_conflict")
        view = build_view(
            self.state, spec, current["id"], root=current["root_view_id"], previous=current["previous_view_id"]
        )
        self.state.views[view["id"]] = view
        for user, home in list(self.state.home_views.items()):
            if home["id"] == view["id"]:
                self.state.home_views[user] = view
        return {"view": view}

    def views_publish(self, params: Params) -> Response:
        """views.publish: set a user's App Home tab."""
        user_id = text_param(params, "user_id", required=True)
        if user_id not in self.state.world.users:
            raise ApiError("user_not_found")
        spec = self._spec(params)
        if spec.get("type") != "home":
            raise ApiError("invalid_arguments", ["must be of type home [json-pointer:/view/type]"])
        existing = self.state.home_views.get(user_id)
        expected = text_param(params, "hash")
        if existing and expected and expected != existing["hash"]:
            raise ApiError("hash_conflict")
        view = build_view(self.state, spec, existing["id"] if existing else self.state.new_id("V"))
        self.state.home_views[user_id] = view
        self._store(view, user_id)
        return {"view": view}
