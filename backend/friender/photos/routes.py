"""HTTP layer of ``/api/me/photos`` and ``/api/users/{id}/photos``."""

from flask import redirect
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from ..request_limits import allows_large_body
from . import service
from .schemas import (
    ArchiveFileSchema,
    ArchiveResultSchema,
    PhotoFilesSchema,
    PhotoListSchema,
    PhotoOrderSchema,
    PhotoSchema,
    UploadUrlRequestSchema,
    UploadUrlSchema,
)

blp = Blueprint("photos", __name__, url_prefix="/api", description="Profile photos")

STORAGE_DOWN = "Photo storage is unavailable; nothing was saved"


@blp.route("/me/photos", methods=["GET"])
@jwt_required()
@blp.response(200, PhotoListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(503, description=STORAGE_DOWN)
def list_my_photos():
    """Your photos in position order, with signed URLs."""
    return {"photos": service.list_photos(current_user)}


@blp.route("/me/photos", methods=["POST"])
@allows_large_body
@jwt_required()
@blp.arguments(PhotoFilesSchema, location="files")
@blp.response(201, PhotoListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(409, description="More than 6 photos")
@blp.alt_response(413, description="An image over 10 MB")
@blp.alt_response(415, description="Not JPEG, PNG or WebP")
@blp.alt_response(422, description="Empty, corrupt, over 40 megapixels, or no `file` part")
@blp.alt_response(503, description=STORAGE_DOWN)
def upload_photos(files):
    """Upload one or more images as `file` parts; all are added or none."""
    return {"photos": service.upload_photos(current_user, files["file"])}


@blp.route("/me/photos/archive", methods=["POST"])
@allows_large_body
@jwt_required()
@blp.arguments(ArchiveFileSchema, location="files")
@blp.response(201, ArchiveResultSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(409, description="No free photo slot")
@blp.alt_response(413, description="The request is too large")
@blp.alt_response(415, description="Not a ZIP archive")
@blp.alt_response(422, description="Unreadable, too large once uncompressed, or without a usable image")
@blp.alt_response(503, description=STORAGE_DOWN)
def upload_archive(files):
    """Upload a ZIP of images; entries that are not used are listed in `skipped` with a reason."""
    return service.upload_archive(current_user, files["archive"])


@blp.route("/me/photos/upload-url", methods=["POST"])
@jwt_required()
@blp.arguments(UploadUrlRequestSchema)
@blp.response(201, UploadUrlSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(409, description="No free photo slot")
@blp.alt_response(413, description="Declared size over 10 MB")
@blp.alt_response(415, description="Not JPEG, PNG or WebP")
@blp.alt_response(422, description="Invalid body")
@blp.alt_response(503, description=STORAGE_DOWN)
def create_upload_url(body):
    """A presigned POST for uploading one image straight to storage; then call `confirm`."""
    return service.create_upload_url(current_user, body["content_type"], body["size"])


@blp.route("/me/photos/<int:photo_id>/confirm", methods=["POST"])
@jwt_required()
@blp.response(200, PhotoSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such photo of yours, or the upload expired")
@blp.alt_response(409, description="Nothing uploaded yet")
@blp.alt_response(413, description="The uploaded file is over 10 MB; it was removed")
@blp.alt_response(415, description="Not JPEG, PNG or WebP; it was removed")
@blp.alt_response(422, description="Empty, corrupt or over 40 megapixels; it was removed")
@blp.alt_response(503, description=STORAGE_DOWN)
def confirm_upload(photo_id):
    """Check and process a direct upload, turning it into a photo."""
    return service.confirm_upload(current_user, photo_id)


@blp.route("/me/photos/<int:photo_id>/download", methods=["GET"])
@jwt_required()
@blp.response(302, description="Redirect to a short-lived URL that downloads the image as an attachment")
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such photo of yours")
@blp.alt_response(503, description=STORAGE_DOWN)
def download_photo(photo_id):
    """Download the full-size stored image."""
    return redirect(service.download_url(current_user, photo_id), 302)


@blp.route("/me/photos/order", methods=["PUT"])
@jwt_required()
@blp.arguments(PhotoOrderSchema)
@blp.response(200, PhotoListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="An id that is not one of your photos")
@blp.alt_response(422, description="Not each of your photos exactly once")
def reorder_photos(body):
    """Set the order of all of your photos."""
    return {"photos": service.reorder_photos(current_user, body["photo_ids"])}


@blp.route("/me/photos/<int:photo_id>", methods=["DELETE"])
@jwt_required()
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such photo of yours")
def delete_photo(photo_id):
    """Delete a photo and its stored images."""
    service.delete_photo(current_user, photo_id)


@blp.route("/users/<int:user_id>/photos", methods=["GET"])
@jwt_required()
@blp.response(200, PhotoListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user, or one side blocked the other")
@blp.alt_response(503, description=STORAGE_DOWN)
def get_user_photos(user_id):
    """Another person's photos, visible exactly when their profile is."""
    return {"photos": service.user_photos(current_user, user_id)}
