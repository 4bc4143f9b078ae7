"""usergroups.list and usergroups.users.list over the simulated workspace's user groups."""

from typing import Any

from bot.simulator.webapi_methods import ApiError, Method, MethodGroup, Params, Response, text_param

SCOPE = "usergroups:read"


class UserGroupMethods(MethodGroup):
    """The user-group methods an app with `usergroups:read` may call."""

    def table(self) -> dict[str, Method]:
        """Each Slack method name with the function that answers it."""
        return {"usergroups.list": self.usergroups_list, "usergroups.users.list": self.usergroups_users_list}

    def _granted(self) -> None:
        if SCOPE in self.state.world.missing_scopes:
            raise ApiError("missing_scope")

    def usergroups_list(self, params: Params) -> Response:
        """usergroups.list (optionally with each group's users)."""
        self._granted()
        with_users = str(params.get("include_users", "")).lower() in ("1", "true")
        return {"usergroups": [self._group(g.id, with_users=with_users) for g in self.state.world.usergroups.values()]}

    def usergroups_users_list(self, params: Params) -> Response:
        """usergroups.users.list: the member ids of one group."""
        self._granted()
        group = self.state.world.usergroups.get(text_param(params, "usergroup", required=True))
        if group is None:
            raise ApiError("no_such_subteam")
        return {"users": list(group.users)}

    def _group(self, group_id: str, *, with_users: bool) -> dict[str, Any]:
        group = self.state.world.usergroups[group_id]
        shown: dict[str, Any] = {
            "id": group.id,
            "team_id": self.state.world.team_id,
            "is_usergroup": True,
            "name": group.name,
            "handle": group.handle,
            "user_count": len(group.users),
            "date_delete": 0,
        }
        if with_users:
            shown["users"] = list(group.users)
        return shown
