"""The URL table of the memo's staff pages under /staff, and their static files (the editor's
preview script) under /staff/static.

Every view carries its role guard (:mod:`.staff_common`): secretary, working group, both
(reading), or admin.
"""

from flask import Blueprint

from services.memo import (
    staff_editor,
    staff_followups,
    staff_group,
    staff_memos,
    staff_recipients,
    staff_reviews,
)
from shared.web.input_guards import body_limit

staff_bp = Blueprint("memo_staff", __name__, template_folder="templates",
                     static_folder="static", static_url_path="/static")
POST = ["POST"]
#: the editor and its preview post a whole memo, more than FORM_MAX_BYTES
whole_memo = body_limit("MEMO_FORM_MAX_BYTES")

# the secretary: memos per forum, drafting, the overview, review and publication, history
staff_bp.add_url_rule("/memos", view_func=staff_memos.list_memos)
staff_bp.add_url_rule("/forums/<int:forum_id>/memo", methods=POST, view_func=staff_memos.start_draft)
staff_bp.add_url_rule("/forums/memo", methods=POST, view_func=staff_memos.start_draft_by_number)
staff_bp.add_url_rule("/memos/<int:memo_id>", view_func=staff_memos.show_memo)
staff_bp.add_url_rule("/memos/<int:memo_id>/submit", methods=POST, view_func=staff_memos.submit_memo)
staff_bp.add_url_rule("/memos/<int:memo_id>/publish", methods=POST,
                      view_func=staff_memos.publish_memo)
staff_bp.add_url_rule("/memos/<int:memo_id>/names", methods=POST, view_func=staff_memos.set_names)
staff_bp.add_url_rule("/memos/<int:memo_id>/correction", methods=POST,
                      view_func=staff_memos.start_correction)
staff_bp.add_url_rule("/memos/<int:memo_id>/history", view_func=staff_memos.show_history)
# the editor, versions, diff and restore
staff_bp.add_url_rule("/memos/<int:memo_id>/edit", view_func=staff_editor.edit_memo)
staff_bp.add_url_rule("/memos/<int:memo_id>/edit", methods=POST,
                      view_func=whole_memo(staff_editor.save_memo))
staff_bp.add_url_rule("/preview", methods=POST, view_func=whole_memo(staff_editor.preview_markdown))
staff_bp.add_url_rule("/memos/<int:memo_id>/versions", view_func=staff_editor.list_versions)
staff_bp.add_url_rule("/memos/<int:memo_id>/versions/<int:number>",
                      view_func=staff_editor.show_version)
staff_bp.add_url_rule("/memos/<int:memo_id>/versions/<int:number>/restore", methods=POST,
                      view_func=staff_editor.restore_version)
staff_bp.add_url_rule("/memos/<int:memo_id>/diff", view_func=staff_editor.diff_versions)
# follow-ups
staff_bp.add_url_rule("/memos/<int:memo_id>/follow-ups", view_func=staff_followups.list_follow_ups)
staff_bp.add_url_rule("/follow-ups/<int:follow_up_id>", methods=POST,
                      view_func=staff_followups.update_follow_up)
# the working group: the queue and the review page
staff_bp.add_url_rule("/reviews", view_func=staff_reviews.review_queue)
staff_bp.add_url_rule("/memos/<int:memo_id>/review", view_func=staff_reviews.show_review)
staff_bp.add_url_rule("/memos/<int:memo_id>/review", methods=POST, view_func=staff_reviews.sign_off)
# the admin: the working group per term and the recipient list
staff_bp.add_url_rule("/group", view_func=staff_group.list_terms)
staff_bp.add_url_rule("/group/terms", methods=POST, view_func=staff_group.add_term)
staff_bp.add_url_rule("/group/terms/<int:term_id>", view_func=staff_group.show_term)
staff_bp.add_url_rule("/group/terms/<int:term_id>/members", methods=POST,
                      view_func=staff_group.add_member)
staff_bp.add_url_rule("/group/members/<int:member_id>", view_func=staff_group.edit_member)
staff_bp.add_url_rule("/group/members/<int:member_id>", methods=POST,
                      view_func=staff_group.update_member)
staff_bp.add_url_rule("/group/members/<int:member_id>/active", methods=POST,
                      view_func=staff_group.set_member_active)
staff_bp.add_url_rule("/recipients", view_func=staff_recipients.list_recipients)
staff_bp.add_url_rule("/recipients", methods=POST, view_func=staff_recipients.add_recipient)
staff_bp.add_url_rule("/recipients/<int:recipient_id>/remove", methods=POST,
                      view_func=staff_recipients.remove_recipient)
