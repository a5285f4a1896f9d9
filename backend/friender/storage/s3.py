"""Amazon S3 or any S3-compatible server (MinIO, moto server) through boto3.

Custom endpoints get path-style addressing (``http://host:port/bucket/key``), which MinIO and
moto server need and which keeps the bucket name out of DNS; every signature is SigV4.
Timeouts are short and retries few, so an unreachable server becomes a prompt 503.
URLs for browsers are signed for ``public_endpoint_url`` when the browser reaches the server at
another address than the app does (MinIO inside docker compose); signing needs no network.
"""

import threading

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import ObjectInfo, PresignedPost, Storage, StorageError

MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
CORS_MAX_AGE_SECONDS = 3600


def _error_code(error):
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else ""


class S3Storage(Storage):
    """Objects in one S3 bucket."""

    name = "s3"

    def __init__(self, bucket, region, endpoint_url=None, timeout=5, public_endpoint_url=None):
        super().__init__()
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self.public_endpoint_url = public_endpoint_url or endpoint_url
        self.timeout = timeout
        self._clients = {}
        self._client_lock = threading.Lock()

    @property
    def client(self):
        """The boto3 client the app talks to S3 with (made on first use; boto3 clients are thread-safe)."""
        return self._client_for(self.endpoint_url)

    @property
    def signer(self):
        """The client that signs URLs browsers will use."""
        return self._client_for(self.public_endpoint_url)

    def _client_for(self, endpoint_url):
        client = self._clients.get(endpoint_url)
        if client is None:
            with self._client_lock:
                client = self._clients.get(endpoint_url)
                if client is None:
                    s3_options = {"addressing_style": "path"} if endpoint_url else {}
                    config = Config(
                        signature_version="s3v4",
                        s3=s3_options,
                        connect_timeout=self.timeout,
                        read_timeout=self.timeout,
                        retries={"max_attempts": 2, "mode": "standard"},
                    )
                    client = boto3.session.Session().client(
                        "s3", region_name=self.region, endpoint_url=endpoint_url, config=config
                    )
                    self._clients[endpoint_url] = client
        return client

    def _call(self, operation, **params):
        try:
            return getattr(self.client, operation)(**params)
        except (BotoCoreError, ClientError) as error:
            raise StorageError() from error

    def put(self, key, data, content_type):
        self._call("put_object", Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key, max_bytes):
        body = self._call("get_object", Bucket=self.bucket, Key=key)["Body"]
        try:
            return body.read(max_bytes + 1)
        except (BotoCoreError, OSError) as error:
            raise StorageError() from error
        finally:
            body.close()

    def head(self, key):
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in MISSING:
                return None
            raise StorageError() from error
        except BotoCoreError as error:
            raise StorageError() from error
        return ObjectInfo(key, response["ContentLength"], response["LastModified"])

    def delete(self, keys):
        keys = list(keys)
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys.
            chunk = keys[start : start + 1000]
            response = self._call(
                "delete_objects",
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
            )
            if response.get("Errors"):
                raise StorageError(f"Could not delete {len(response['Errors'])} object(s).")

    def list(self, prefix=""):
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield ObjectInfo(item["Key"], item["Size"], item["LastModified"])
        except (BotoCoreError, ClientError) as error:
            raise StorageError() from error

    def list_buckets(self):
        return [bucket["Name"] for bucket in self._call("list_buckets").get("Buckets", [])]

    def presigned_post(self, key, content_type, max_bytes, expires_in):
        try:
            post = self.signer.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires_in,
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError() from error
        return PresignedPost(url=post["url"], fields=post["fields"])

    def _sign_url(self, key, expires_in, filename, issued, scope):
        params = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        else:
            # S3 and MinIO send no Cache-Control of their own, so browsers guessed a lifetime from
            # Last-Modified and revalidated every photo (304s). A key's bytes never change.
            params["ResponseCacheControl"] = f"private, max-age={expires_in}, immutable"
        try:
            return self.signer.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
        except (BotoCoreError, ClientError) as error:
            raise StorageError() from error

    def init(self, origins):
        lines = []
        try:
            self.client.head_bucket(Bucket=self.bucket)
            lines.append(f"Bucket {self.bucket} exists.")
        except ClientError as error:
            if _error_code(error) not in MISSING:
                raise StorageError() from error
            params = {"Bucket": self.bucket}
            if self.region and self.region != "us-east-1":  # us-east-1 refuses an explicit constraint.
                params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            self._call("create_bucket", **params)
            lines.append(f"Created bucket {self.bucket}.")
        except BotoCoreError as error:
            raise StorageError() from error
        self._call(
            "put_bucket_cors",
            Bucket=self.bucket,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedOrigins": list(origins),
                        "AllowedMethods": ["GET", "HEAD", "POST"],
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["ETag", "Location"],
                        "MaxAgeSeconds": CORS_MAX_AGE_SECONDS,
                    }
                ]
            },
        )
        lines.append(f"CORS on {self.bucket}: GET, HEAD and POST from {', '.join(origins)}.")
        return lines

    def check(self):
        self._call("head_bucket", Bucket=self.bucket)
