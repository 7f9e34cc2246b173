"""Account, multi-factor and administrators' pages in the role matrix.

Everyone reaches their own account and the MFA steps (a user who is not enrolled is sent on from
the code and recovery-code pages: 302); users and the access log are for administrators only.
"""

from typing import Any

from oversight.roles import Role
from tests.role_matrix import ALL_ROLES, Entry, roles

ADMIN = roles(Role.ADMINISTRATOR)


def _someone(make_user: Any) -> int:
    return make_user(Role.CASE_EDITOR).pk


ENTRIES = [
    Entry("account", "/account/", ALL_ROLES),
    Entry("mfa_setup", "/account/mfa/set-up/", ALL_ROLES),
    Entry("mfa_verify", "/login/code/", ALL_ROLES, ok_status=(302,)),
    Entry("mfa_recovery_codes", "/account/mfa/recovery-codes/", ALL_ROLES, ok_status=(302,)),
    Entry("account_recovery_codes", "/account/mfa/new-recovery-codes/", ALL_ROLES, method="post", ok_status=(302,)),
    Entry("account_api_token", "/account/api-token/", ALL_ROLES, method="post"),
    Entry("access_log", "/manage/access-log/", ADMIN),
    Entry("user_list", "/manage/users/", ADMIN),
    Entry("user_invite", "/manage/users/invite/", ADMIN),
    Entry("user_detail", lambda make_user: f"/manage/users/{_someone(make_user)}/", ADMIN),
    Entry("user_deactivate", lambda make_user: f"/manage/users/{_someone(make_user)}/deactivate/", ADMIN),
    Entry("user_mfa_reset", lambda make_user: f"/manage/users/{_someone(make_user)}/reset-mfa/", ADMIN),
    Entry(
        "user_reactivate",
        lambda make_user: f"/manage/users/{_someone(make_user)}/reactivate/",
        ADMIN,
        method="post",
        ok_status=(302,),
    ),
    Entry(
        "user_resend_invite",
        lambda make_user: f"/manage/users/{_someone(make_user)}/invite-again/",
        ADMIN,
        method="post",
        ok_status=(302,),
    ),
]
