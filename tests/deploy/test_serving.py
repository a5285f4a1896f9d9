"""What gunicorn's master process imports before its gevent workers patch the standard library."""

import subprocess
import sys


def test_the_gunicorn_config_imports_no_http_client_before_gevent_patches():
    # urllib3 (under botocore) imported before gevent patches ssl recurses forever on its first
    # HTTPS or S3 call in a worker: the S3 health check failed with RecursionError.
    probe = "import sys, friender.gunicorn_config; print(sorted({'urllib3', 'botocore', 'boto3'} & set(sys.modules)))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"
