"""Production-safe settings: no start-up without a key when DEBUG is off, hashed static names from collectstatic."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_asked_and_a_missing_key_then_stops_the_web_server_with_a_clear_message():
    result = run_django("import config.wsgi; print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_a_missing_key_stops_the_worker_too():
    result = run_django("from config.celery_app import _refuse_without_a_key as f; f(); print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_offline_commands_run_without_a_key_since_they_sign_nothing():
    result = run_django("from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY_MISSING)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_check_deploy_reports_a_missing_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}},
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "atlas.E001" in result.stderr + result.stdout


def test_debug_on_starts_with_the_development_key():
    result = run_django("from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "dev-only-insecure-key-change-me"]


def test_secure_cookies_hsts_and_the_proxy_header_come_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    default = run_django(code, SECRET_KEY="k" * 50)
    assert default.stdout.strip() == "False False 0 None", default.stderr
    on = run_django(
        code,
        SECRET_KEY="k" * 50,
        SESSION_COOKIE_SECURE="1",
        CSRF_COOKIE_SECURE="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    assert on.stdout.strip() == "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')", on.stderr


def test_collectstatic_writes_hashed_names_that_templates_link_to(tmp_path):
    env = {"SECRET_KEY": "k" * 50, "STATIC_ROOT": str(tmp_path)}
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DEBUG"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["js/dashboard.js"]
    assert hashed != "js/dashboard.js" and hashed.startswith("js/dashboard.") and (tmp_path / hashed).exists()
    url = run_django("from django.templatetags.static import static; print(static('js/dashboard.js'))", **env)
    assert url.stdout.strip() == f"/static/{hashed}", url.stderr
