#!/usr/bin/env python3
"""Fill Friender with a believable demo world.

    python seed.py [--users N] [--center ZIP] [--radius MILES] [--reset [--force]]
                   [--no-photos] [--random-seed S] [--if-empty] [--migrate]

It uses the app's own configuration (DATABASE_URL, STORAGE_BACKEND, …), models and storage.
Seeded people live within --radius miles of --center, share hobbies and interests drawn from a
curated vocabulary, and some have already said yes to the demo account, so its first Yeses
become matches; one match already has a short conversation. Running it again adds nothing
twice: people are named by their number, and existing ones are skipped.
"""

import argparse
import colorsys
import io
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from faker import Faker
from flask_migrate import upgrade
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from friender import create_app
from friender.auth.passwords import hash_password
from friender.discovery.index import rebuild_search_index
from friender.extensions import db
from friender.geo import all_zip_places, distance_miles, lookup_zip
from friender.models import Hangout, Match, Message, Swipe, User, login_key
from friender.photos.service import add_photos_from_bytes
from friender.relationships import ordered_pair

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "friender-demo"
MODERATOR_USERNAME = "moderator"
MODERATOR_PASSWORD = "friender-moderator"
SEED_PREFIX = "seed"
BATCH = 5000

HOBBIES = [
    "Hiking", "Climbing", "Running", "Cycling", "Swimming", "Yoga", "Chess", "Board games", "Video games",
    "Cooking", "Baking", "Gardening", "Photography", "Painting", "Drawing", "Knitting", "Pottery", "Woodworking",
    "Guitar", "Piano", "Singing", "Dancing", "Salsa", "Tennis", "Pickleball", "Basketball", "Soccer", "Volleyball",
    "Bouldering", "Kayaking", "Camping", "Fishing", "Birdwatching", "Skateboarding", "Surfing", "Skiing",
    "Trivia nights", "Karaoke", "Crosswords", "Thrifting",
]  # fmt: skip
INTERESTS = [
    "Jazz", "Indie music", "Hip hop", "Classical music", "Film", "Documentaries", "Anime", "Sci-fi", "Fantasy",
    "Mystery novels", "Poetry", "History", "Philosophy", "Astronomy", "Science", "Technology", "Startups",
    "Coffee", "Tea", "Wine", "Craft beer", "Vegan food", "Street food", "Travel", "Languages", "Architecture",
    "Museums", "Theatre", "Stand-up comedy", "Podcasts", "Volunteering", "Sustainability", "Dogs", "Cats",
    "Fashion", "Design", "Psychology", "Economics", "Football", "Formula 1",
]  # fmt: skip
BIO_TEMPLATES = [
    "{job} by day. Happiest with some {hobby_lower} planned, or a long chat about {interest_lower}.",
    "New-ish to {city} and looking for people to share {hobby_lower} with. Big on {interest_lower}.",
    "Weekend {hobby_lower} enthusiast, weekday {job_lower}. Tell me what you love about {interest_lower}.",
    "Always up for {hobby_lower}, a good conversation about {interest_lower}, and trying new places in {city}.",
    "Looking for a {hobby_lower} buddy. I also can't stop reading about {interest_lower}.",
]
OPENING_LINES = [
    ("Hi! I saw you're into {tag} too — how did you get started?", 0),
    ("Ha, a friend dragged me along years ago and I never stopped. You?", 1),
    ("Same story, honestly. Want to go together this weekend?", 0),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="how many people to create (default 200)")
    parser.add_argument("--center", default="10001", help="ZIP code the world is centred on (default 10001)")
    parser.add_argument("--radius", type=int, default=15, help="miles around the centre (default 15)")
    parser.add_argument("--reset", action="store_true", help="delete every user (and all their data) first")
    parser.add_argument("--force", action="store_true", help="allow --reset on a production database")
    parser.add_argument("--no-photos", action="store_true", help="skip generated photos (much faster)")
    parser.add_argument("--random-seed", type=int, default=42, help="makes the world reproducible")
    parser.add_argument("--if-empty", action="store_true", help="do nothing if the database has any user")
    parser.add_argument(
        "--migrate", action="store_true", help="apply the migrations first (make run: one process instead of two)"
    )
    args = parser.parse_args(argv)
    if lookup_zip(args.center) is None:
        parser.error(f"--center {args.center} is not a known US ZIP code")
    if args.users < 0 or not 1 <= args.radius <= 250:
        parser.error("--users must be ≥ 0 and --radius between 1 and 250")
    return args


def zips_near(center, radius):
    """Every bundled ZIP within ``radius`` miles of ``center``."""
    origin = lookup_zip(center)
    return [
        place
        for place in all_zip_places()
        if abs(place.latitude - origin.latitude) < radius / 50
        and distance_miles(origin.latitude, origin.longitude, place.latitude, place.longitude) <= radius
    ]


def person(number, rng, fake, places, password_hash, now):
    """One seeded person's row, ready for a bulk insert."""
    place = rng.choice(places)
    hobbies = rng.sample(HOBBIES[:12] if rng.random() < 0.5 else HOBBIES, rng.randint(2, 4))
    interests = rng.sample(INTERESTS[:12] if rng.random() < 0.5 else INTERESTS, rng.randint(2, 4))
    first = fake.first_name()
    job = fake.job().split(",")[0]
    bio = rng.choice(BIO_TEMPLATES).format(
        job=job,
        job_lower=job.lower(),
        hobby_lower=hobbies[0].lower(),
        interest_lower=interests[0].lower(),
        city=place.city,
    )
    return {
        "username": f"{SEED_PREFIX}{number:06d}",
        "email": f"{SEED_PREFIX}{number:06d}@example.com",
        # A bulk insert skips the model's hook that writes the login keys.
        "username_key": login_key(f"{SEED_PREFIX}{number:06d}"),
        "email_key": login_key(f"{SEED_PREFIX}{number:06d}@example.com"),
        "password_hash": password_hash,
        "display_name": f"{first} {fake.last_name()[0]}.",
        "bio": bio[:500],
        "hobbies": hobbies,
        "interests": interests,
        "zip_code": place.zip_code,
        "city": place.city,
        "state": place.state,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "friend_radius_miles": rng.choice([10, 15, 25, 25, 50]),
        # Adults of 21 to 55; most keep the default age range; every seeded address is verified.
        "birthdate": (now - timedelta(days=rng.randint(21 * 365, 55 * 365))).date(),
        "email_verified_at": now,
        "created_at": now,
        "updated_at": now,
    }


def synthetic_photo(label, rng, size=(600, 750)):
    """A clearly generated portrait-shaped picture: a colour gradient, shapes and the person's initials."""
    hue = rng.random()
    top = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.95))
    bottom = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.15) % 1, 0.7, 0.55))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        t = y / size[1]
        draw.line([(0, y), (size[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(6):
        x, y, r = rng.randint(0, size[0]), rng.randint(0, size[1]), rng.randint(30, 140)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=4)
    font = ImageFont.load_default(size=200)
    draw.text((size[0] / 2, size[1] / 2), label, fill=(255, 255, 255), font=font, anchor="mm")
    draw.text(
        (size[0] / 2, size[1] - 40),
        "demo photo",
        fill=(255, 255, 255),
        font=ImageFont.load_default(size=28),
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_photos(users, rng):
    """One or two generated photos for each of ``users``, through the app's own photo pipeline."""
    for user in tqdm(users, desc="photos", unit="user", disable=not users):
        initials = "".join(part[0] for part in user.display_name.replace(".", "").split()[:2]).upper()
        add_photos_from_bytes(user.id, [synthetic_photo(initials, rng) for _ in range(rng.choice([1, 1, 2]))])


def reset(app, force):
    """Delete every user; cascades remove swipes, matches, messages and photos' rows."""
    if app.config["ENV_NAME"] == "production" and not force:
        print("Refusing to --reset a production database (FRIENDER_ENV=production) without --force.", file=sys.stderr)
        raise SystemExit(2)
    users = db.session.scalars(sa.select(User)).all()
    for user in tqdm(users, desc="removing users", unit="user", disable=not users):
        db.session.delete(user)
    db.session.commit()


def ensure_demo_account(center_place, password_hash):
    """The account the README tells people to log in with."""
    demo = db.session.scalar(sa.select(User).where(User.username == DEMO_USERNAME))
    if demo is None:
        demo = User(
            username=DEMO_USERNAME,
            email="demo@example.com",
            password_hash=password_hash,
            display_name="Demo User",
            bio="I'm the demo account. Say yes to a few people and see who says yes back.",
            hobbies=["Hiking", "Chess", "Cooking"],
            interests=["Jazz", "Film", "Coffee"],
            zip_code=center_place.zip_code,
            city=center_place.city,
            state=center_place.state,
            latitude=center_place.latitude,
            longitude=center_place.longitude,
            friend_radius_miles=25,
            birthdate=date(1994, 6, 15),
            email_verified_at=datetime.now(UTC),
        )
        db.session.add(demo)
        db.session.commit()
    return demo


def ensure_moderator_account():
    """A moderator for the demo world (made a moderator as ``flask users grant-moderator`` would)."""
    moderator = db.session.scalar(sa.select(User).where(User.username == MODERATOR_USERNAME))
    if moderator is None:
        moderator = User(
            username=MODERATOR_USERNAME,
            email="moderator@example.com",
            password_hash=hash_password(MODERATOR_PASSWORD),
            display_name="Moderator",
            hobbies=[],
            interests=[],
            is_moderator=True,
        )
        db.session.add(moderator)
        db.session.commit()
    return moderator


def insert_people(args, rng, password_hash):
    """Bulk-insert the seeded people that do not exist yet; returns the usernames added."""
    fake = Faker("en_US")
    fake.seed_instance(args.random_seed)
    places = zips_near(args.center, args.radius)
    existing = set(db.session.scalars(sa.select(User.username).where(User.username.like(f"{SEED_PREFIX}%"))))
    now = datetime.now(UTC)
    added = []
    with tqdm(total=args.users, desc="people", unit="user") as progress:
        for start in range(1, args.users + 1, BATCH):
            rows = []
            for number in range(start, min(start + BATCH, args.users + 1)):
                row = person(number, rng, fake, places, password_hash, now)  # drawn even if skipped: stable world
                if row["username"] not in existing:
                    rows.append(row)
            if rows:
                db.session.execute(sa.insert(User), rows)
                db.session.commit()
                added.extend(row["username"] for row in rows)
            progress.update(min(BATCH, args.users + 1 - start))
    return added


def likely_first_cards(demo, count, sample=3000):
    """Seeded people who can see the demo account and share the most with it, as discovery ranks them."""
    mine = {tag.lower() for tag in [*demo.hobbies, *demo.interests]}
    ranked = []
    for other in db.session.scalars(
        sa.select(User).where(User.username.like(f"{SEED_PREFIX}%")).order_by(User.id).limit(sample)
    ):
        miles = distance_miles(demo.latitude, demo.longitude, other.latitude, other.longitude)
        if miles <= min(demo.friend_radius_miles, other.friend_radius_miles):
            shared = len(mine & {tag.lower() for tag in [*other.hobbies, *other.interests]})
            ranked.append((-shared, miles, other.id, other))
    return [other for *_, other in sorted(ranked, key=lambda item: item[:3])[:count]]


def seed_interest_in_demo(demo, rng):
    """A few people already said yes to the demo account; one of them is a match with a chat and a plan."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Swipe).where(Swipe.swipee_id == demo.id)):
        return
    admirers = likely_first_cards(demo, count=6)
    if not admirers:
        return
    now = datetime.now(UTC)
    for admirer in admirers:
        db.session.add(Swipe(swiper_id=admirer.id, swipee_id=demo.id, liked=True, created_at=now))
    friend = admirers[0]
    db.session.add(Swipe(swiper_id=demo.id, swipee_id=friend.id, liked=True, created_at=now))
    started = now - timedelta(hours=2)
    low, high = ordered_pair(demo.id, friend.id)
    match = Match(
        user_low_id=low,
        user_high_id=high,
        matched_at=started,
        last_activity_at=started,
    )
    db.session.add(match)
    db.session.flush()
    demo_tags = {tag.lower() for tag in [*demo.hobbies, *demo.interests]}
    tag = next((t for t in [*friend.hobbies, *friend.interests] if t.lower() in demo_tags), friend.hobbies[0]).lower()
    for minutes, (line, from_demo) in enumerate(OPENING_LINES):
        sent_at = started + timedelta(minutes=5 * (minutes + 1))
        sender = demo if from_demo else friend
        db.session.add(Message(match_id=match.id, sender_id=sender.id, body=line.format(tag=tag), created_at=sent_at))
        match.last_activity_at = sent_at
    db.session.add(accepted_hangout(match, friend, tag, now))
    db.session.commit()


def accepted_hangout(match, proposer, tag, now):
    """The plan the friend proposed and the demo account accepted: Saturday afternoon, two hours."""
    saturday = (now + timedelta(days=(5 - now.weekday()) % 7 or 7)).replace(hour=15, minute=0, second=0, microsecond=0)
    options = [
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for start in (saturday, saturday + timedelta(days=1))
    ]
    return Hangout(
        match_id=match.id,
        proposer_id=proposer.id,
        activity=tag.capitalize(),
        options=options,
        place_kind="park",
        note="Let's meet at the main entrance.",
        status=Hangout.ACCEPTED,
        accepted_option=0,
        accepted_at=now,
        created_at=now - timedelta(minutes=30),
    )


def main(argv=None):
    """Seed the database the app is configured for; prints the demo login at the end."""
    args = parse_args(argv)
    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        if args.migrate:
            upgrade()
        if args.if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            print("The database already has users; not seeding.")
            return 0
        if args.reset:
            reset(app, args.force)
        rng = random.Random(args.random_seed)
        password_hash = hash_password(DEMO_PASSWORD)
        demo_is_new = db.session.scalar(sa.select(User.id).where(User.username == DEMO_USERNAME)) is None
        demo = ensure_demo_account(lookup_zip(args.center), password_hash)
        added = insert_people(args, rng, password_hash)
        if added:  # The bulk insert bypasses the ORM hook that keeps discovery's index in step.
            rebuild_search_index(db.session.connection())
            db.session.commit()
        if not args.no_photos:
            new_users = db.session.scalars(sa.select(User).where(User.username.in_(added))).all() if added else []
            add_photos(([demo] if demo_is_new else []) + new_users, rng)
        seed_interest_in_demo(demo, rng)
        ensure_moderator_account()
    elapsed = time.perf_counter() - started
    print(f"Added {len(added)} people around {args.center} in {elapsed:.1f} s.")
    print(f"Demo login: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} (every seeded person shares it).")
    print(f"Moderator login: username {MODERATOR_USERNAME!r}, password {MODERATOR_PASSWORD!r} (opens /moderation).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
