"""Constants and small helpers the backend tests share."""

import socket

PASSWORD = "correct horse battery"
BIRTHDATE = "1990-05-15"

NYC_PROFILE = {
    "display_name": "Test Person",
    "hobbies": ["Climbing", "Chess"],
    "interests": ["Jazz"],
    "zip_code": "10001",
    "friend_radius_miles": 25,
}


class SignedInUser:
    """A user created through the API, with its tokens and a ready Authorization header."""

    def __init__(self, body, password):
        self.id = body["user"]["id"]
        self.username = body["user"]["username"]
        self.email = body["user"]["email"]
        self.password = password
        self.access_token = body["access_token"]
        self.refresh_token = body["refresh_token"]
        self.me = body["user"]

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.access_token}"}


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
