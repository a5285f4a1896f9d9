"""The local backend's signed URLs: GET an object, POST a direct-upload form.

Both answer 404 when the app uses S3. No JWT: the signature is the permission.
"""

import mimetypes

from flask import send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, fields
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ..request_limits import allows_large_body
from ..schemas import Schema
from . import service


class UploadFormParser(FlaskParser):
    """Reads a multipart form's fields and file parts as one set of arguments, as S3's POST does."""


upload_form_parser = UploadFormParser()


@upload_form_parser.location_loader("form_and_files")
def _load_form_and_files(request, schema):
    return MultiDictProxy(CombinedMultiDict([request.form, request.files]), schema)


class StorageBlueprint(Blueprint):
    """A blueprint whose ``form_and_files`` arguments are documented as one multipart body."""

    ARGUMENTS_PARSER = upload_form_parser
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }


blp = StorageBlueprint("storage", __name__, url_prefix="/api/storage", description="Files of the local storage backend")


class SignedGetSchema(Schema):
    """The query string of a signed local URL."""

    class Meta:
        unknown = EXCLUDE

    expires = fields.Integer(required=True)
    signature = fields.String(required=True)
    download = fields.String()


class UploadFormSchema(Schema):
    """The ``fields`` that ``upload-url`` handed out (a signed ``policy``) plus the ``file`` part."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True)
    content_type = fields.String(required=True, data_key="Content-Type")
    policy = fields.String(required=True)
    signature = fields.String(required=True)
    file = Upload(required=True)


@blp.route("/<folder>/<name>", methods=["GET"])
@blp.doc(security=[{}])
@blp.arguments(SignedGetSchema, location="query")
@blp.response(200, description="The object's bytes")
@blp.alt_response(403, description="Tampered with or expired")
@blp.alt_response(404, description="No such object, not a storage key, or storage is not local")
def get_object(query, folder, name):
    """Serve one stored object to whoever holds its signed URL."""
    key = f"{folder}/{name}"
    path, remaining = service.open_signed(key, query["expires"], query.get("download"), query["signature"])
    filename = query.get("download")
    response = send_file(
        path,
        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        as_attachment=bool(filename),
        download_name=filename or name,
        max_age=remaining,
        conditional=True,
    )
    # Browsers may keep it until the link expires; shared caches should not keep people's photos.
    response.cache_control.public = False
    response.cache_control.private = True
    if not filename:  # a key's bytes never change: no revalidation while the link lasts
        response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/upload", methods=["POST"])
@allows_large_body
@blp.doc(security=[{}])
@blp.arguments(UploadFormSchema, location="form_and_files")
@blp.response(204, description="Stored")
@blp.alt_response(403, description="Tampered with, mismatched or expired form")
@blp.alt_response(404, description="Storage is not local")
@blp.alt_response(413, description="Larger than the form allows")
@blp.alt_response(422, description="Missing field or empty file")
def upload(form):
    """Accept a direct upload exactly like S3's presigned POST would."""
    service.accept_signed_upload(form, form["file"])
