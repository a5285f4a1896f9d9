"""Bodies and shapes of ``/api/moderation/…``, ``/api/me/moderation`` and ``/api/me/appeals``."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..models import MODERATION_ACTIONS, REPORT_CATEGORIES
from ..profiles.schemas import PhotoSchema, ProfileSchema
from ..schemas import MAX_DATABASE_ID, DatabaseId, Schema, TrimmedString, UtcDateTime

STATUSES = ("open", "closed", "all")


def _category(**kwargs):
    return fields.String(validate=validate.OneOf(REPORT_CATEGORIES), **kwargs)


def _action(**kwargs):
    return fields.String(validate=validate.OneOf(MODERATION_ACTIONS), **kwargs)


class CaseQuerySchema(Schema):
    """``?category=&status=open``: filter the queue."""

    category = _category()
    status = fields.String(validate=validate.OneOf(STATUSES), load_default="open")


class CaseSummarySchema(Schema):
    """One reported person in the queue."""

    user_id = fields.Integer(required=True)
    profile = fields.Nested(ProfileSchema, required=True)
    report_count = fields.Integer(required=True)
    appeal_count = fields.Integer(required=True)
    categories = fields.List(_category(), required=True)
    opened_at = UtcDateTime(required=True)
    hidden = fields.Boolean(required=True, metadata={"description": "Out of discovery until a moderator decides."})
    status = fields.String(required=True, validate=validate.OneOf(("open", "closed")))
    suspended_until = UtcDateTime(allow_none=True)
    banned = fields.Boolean(required=True)


class CaseListSchema(Schema):
    """``{cases: [...]}``, oldest first."""

    cases = fields.List(fields.Nested(CaseSummarySchema), required=True)


class CaseReportSchema(Schema):
    """A report as moderators see it: with the reporter."""

    id = fields.Integer(required=True)
    reporter_id = fields.Integer(required=True)
    category = _category(required=True)
    reason = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    handled_at = UtcDateTime(allow_none=True)


class ActionSchema(Schema):
    """One audit row: who decided what about whom, and why."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True, allow_none=True)
    moderator_id = fields.Integer(required=True, allow_none=True)
    moderator_username = fields.String(allow_none=True)
    action = _action(required=True)
    rule = _category(required=True)
    note = fields.String(required=True)
    until = UtcDateTime(allow_none=True)
    photo_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime(required=True)


class AppealSchema(Schema):
    """An appeal against one action."""

    id = fields.Integer(required=True)
    action_id = fields.Integer(required=True)
    text = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    handled_at = UtcDateTime(allow_none=True)


class EvidenceMessageSchema(Schema):
    """A message of the conversation copied when the report was made."""

    id = fields.Integer(required=True)
    sender_id = fields.Integer(required=True)
    body = fields.String(required=True)
    created_at = fields.String(required=True)


class ConversationSchema(Schema):
    """The messages between one harassment or spam reporter and the reported person."""

    report_id = fields.Integer(required=True)
    reporter_id = fields.Integer(required=True)
    messages = fields.List(fields.Nested(EvidenceMessageSchema), required=True)


class CaseSchema(Schema):
    """Everything about one case."""

    user_id = fields.Integer(required=True)
    profile = fields.Nested(ProfileSchema, required=True)
    photos = fields.List(fields.Nested(PhotoSchema), required=True)
    reports = fields.List(fields.Nested(CaseReportSchema), required=True)
    actions = fields.List(fields.Nested(ActionSchema), required=True)
    appeals = fields.List(fields.Nested(AppealSchema), required=True)
    messages = fields.List(fields.Nested(ConversationSchema), required=True)
    hidden = fields.Boolean(required=True)
    status = fields.String(required=True)
    suspended_until = UtcDateTime(allow_none=True)
    banned = fields.Boolean(required=True)


class ActionRequestSchema(Schema):
    """``{action, note, until?, photo_id?, rule?}``: ``until`` for a suspension, ``photo_id`` to remove a photo.

    ``rule`` (a report category) is what the notice names; by default the case's most frequent one.
    """

    action = _action(required=True)
    note = TrimmedString(required=True, validate=validate.Length(min=1, max=1000))
    until = fields.AwareDateTime(default_timezone=None)
    photo_id = DatabaseId()
    rule = _category()

    @validates_schema
    def what_the_action_needs(self, data, **_kwargs):
        if data.get("action") == "suspend" and "until" not in data:
            raise ValidationError("A suspension needs an end time.", field_name="until")
        if data.get("action") == "remove_photo" and "photo_id" not in data:
            raise ValidationError("Say which photo to remove.", field_name="photo_id")


class AuditQuerySchema(Schema):
    """``?limit=&before=``: a page of the audit log, newest first."""

    limit = fields.Integer(validate=validate.Range(min=1, max=200), load_default=50)
    before = fields.Integer(validate=validate.Range(min=1, max=MAX_DATABASE_ID))


class AuditSchema(Schema):
    """``{actions: [...]}``, newest first."""

    actions = fields.List(fields.Nested(ActionSchema), required=True)


class MyAppealSchema(Schema):
    """The person's own appeal, as they see it."""

    id = fields.Integer(required=True)
    text = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    handled_at = UtcDateTime(allow_none=True)


class NoticeSchema(Schema):
    """A decision as the affected person hears of it: the action and the rule, never the reporter."""

    id = fields.Integer(required=True)
    action = _action(required=True)
    rule = _category(required=True)
    rule_text = fields.String(required=True)
    until = UtcDateTime(allow_none=True)
    created_at = UtcDateTime(required=True)
    appeal = fields.Nested(MyAppealSchema, allow_none=True)
    can_appeal = fields.Boolean(required=True)


class MyReportSchema(Schema):
    """A report the person made, and whether a moderator has handled it."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    category = _category(required=True)
    created_at = UtcDateTime(required=True)
    handled = fields.Boolean(required=True)


class MyModerationSchema(Schema):
    """``{actions, reports}``: decisions on one's own account, newest first, and the reports one made."""

    actions = fields.List(fields.Nested(NoticeSchema), required=True)
    reports = fields.List(fields.Nested(MyReportSchema), required=True)


class AppealTextSchema(Schema):
    """``{text}``: why the decision is wrong (1–2000 characters); an appeal link names the decision."""

    text = TrimmedString(required=True, validate=validate.Length(min=1, max=2000))


class AppealRequestSchema(AppealTextSchema):
    """``{action_id, text}``: which decision, and why it is wrong (1–2000 characters)."""

    action_id = DatabaseId(required=True)
