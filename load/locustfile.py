"""Simulated people using the dashboard, for locust (started by load/run.py).

Each user is one browser. It does what Chromium did when load/run.py opened
each page (the plan in $LOAD_PLAN):

- opens a page through a shared link (half the time with filters in the
  URL): GET the page, the static files it needs, GET /_dash-layout and
  /_dash-dependencies, then POSTs the page's callbacks wave by wave, each
  wave's callbacks together (as the browser sends them), every input taken
  from the answers it already got (the filter state from the callback that
  makes it, the dropdowns' options from the one that fills them);
- follows a link in the navigation bar: Dash changes the page in the
  browser, so only the callbacks Chromium sent then (and the static files
  they load) are asked for, with the filters kept;
- changes a filter: picks a value from the options the app sent (a year, a
  forum, a municipality, an owner type, a date, or clears the choices),
  POSTs the callback that turns the controls into the filter state, then
  every callback of the page that reads that state, together.

Static files go through a small browser cache per user: a user fetches
each file once; files the app marks ``max-age`` are not asked for again, the
others (``no-cache`` or only an ETag: assets/, Dash's async chunks) are
revalidated with If-None-Match / If-Modified-Since and answered 304, exactly
the requests Chromium makes on a warm visit.

Between actions a user waits 1-3 s ($LOAD_WAIT): a person reading a chart
waits longer, so 50 of these users ask as much as several hundred people.
Every request goes to $LOAD_LOG as one JSON line (start, end, user, name,
kind, status, data version, error, whether it was resent).

A request whose connection broke before any answer (the server closed an
idle keep-alive connection just as it was reused, or a worker died) is sent
once more, as Chromium does on a reused connection; the results count such
attempts as ``resent``, apart from the failures a person would see.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from gevent.pool import Group
from geventhttpclient.response import HTTPConnectionClosed
from locust import FastHttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))
LOG = open(os.environ["LOAD_LOG"], "a", encoding="utf-8")  # noqa: SIM115 - closed at exit
atexit.register(LOG.close)
VERSION_HEADER = "X-Dekomp-Version"
STATE_KEY = "filter-state.data"
ACCEPT_ENCODING = "gzip, deflate, br"  # what geventhttpclient can decode
CONTROLS = {  # control value -> the options it is picked from, weight
    "filter-year.value": ("filter-year.options", 3),
    "filter-forum.value": ("filter-forum.options", 2),
    "filter-municipality.value": ("filter-municipality.options", 2),
    "filter-owner-type.value": ("filter-owner-type.options", 1),
    "filter-as-of.date": (None, 1),
}
CLEARED = ("filter-forum.value", "filter-municipality.value", "filter-owner-type.value")
QUERY_KEYS = {
    "filter-year.value": "aar",
    "filter-forum.value": "forum",
    "filter-municipality.value": "kommune",
    "filter-owner-type.value": "eiertype",
}
# A connection that broke before any answer came back (closed by the server
# while idle, or reset by a worker that died): resent once, as Chromium does.
RESENT_ERRORS = (HTTPConnectionClosed, ConnectionResetError, BrokenPipeError)
_user_ids = itertools.count(1)


def _string_id_items(items: Any) -> list[dict]:
    if isinstance(items, dict):
        items = [items]
    found = []
    for item in items or []:
        if isinstance(item, list):
            found += _string_id_items(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            found.append(item)
    return found


def _reads_state(body: dict) -> bool:
    return any(
        f"{i['id']}.{i['property']}" == STATE_KEY for i in _string_id_items(body.get("inputs"))
    )


def _max_age(cache_control: str) -> float:
    if "no-cache" in cache_control or "no-store" in cache_control:
        return 0.0
    match = re.search(r"max-age=(\d+)", cache_control)
    return float(match.group(1)) if match else 0.0


class Person(FastHttpUser):
    wait_time = between(*WAIT)
    concurrency = 6  # connections per user, as a browser opens per host
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.number = next(_user_ids)
        self.cache: dict[str, dict[str, Any]] = {}
        self.values: dict[str, Any] = {}
        self.page = random.choice(list(PLAN["pages"]))
        self.open_page(self.page, query="")

    # --- actions -------------------------------------------------------------------

    @task(2)
    def open_another_page(self) -> None:
        self.page = random.choice([p for p in PLAN["pages"] if p != self.page])
        if random.random() < 0.5:
            # A shared link: the page loaded anew, often with filters in its URL.
            self.open_page(self.page, query=self.random_query() if random.random() < 0.5 else "")
        else:
            self.follow_link(self.page)

    @task(6)
    def change_filter(self) -> None:
        changes = self.random_change()
        if not changes:
            return
        body = self.build(PLAN["filter_callback"], changes)
        body["changedPropIds"] = list(changes)
        self.post(body, "filter-state")
        page = PLAN["pages"][self.page]
        seen: set[str] = set()
        wave = []
        for planned in page["callbacks"]:
            output = planned["body"].get("output")
            if _reads_state(planned["body"]) and output not in seen:
                seen.add(output)
                wave.append(planned)
        self.send_wave(wave)

    # --- what a browser does ---------------------------------------------------------

    def open_page(self, name: str, query: str) -> None:
        page = PLAN["pages"][name]
        search = f"?{query}" if query else ""
        self.get(page["path"] + search, "page", f"page {page['path']}")
        group = Group()
        for url in page["static"]:
            group.spawn(self.static, url)
        group.join()
        group = Group()
        group.spawn(self.get, "/_dash-layout", "layout", "/_dash-layout")
        group.spawn(self.get, "/_dash-dependencies", "dependencies", "/_dash-dependencies")
        group.join()
        self.values["url.search"] = search
        self.values["_pages_location.search"] = search
        self.values["_pages_location.pathname"] = page["path"]
        self.send_waves(page["callbacks"])

    def follow_link(self, name: str) -> None:
        """The page's link in the navigation bar: Dash changes the page in
        the browser, keeping the filters in the URL's query."""
        page = PLAN["pages"][name]
        nav = page["nav"]
        group = Group()
        for url in nav["static"]:
            group.spawn(self.static, url)
        group.join()
        query = (self.values.get(STATE_KEY) or {}).get("url_query") or ""
        search = f"?{query}" if query else ""
        self.values["url.search"] = search
        self.values["_pages_location.search"] = search
        self.values["_pages_location.pathname"] = page["path"]
        self.send_waves(nav["callbacks"])

    def send_waves(self, callbacks: list[dict]) -> None:
        """The planned callbacks wave by wave, each wave's together."""
        for wave in sorted({c["wave"] for c in callbacks}):
            self.send_wave([c for c in callbacks if c["wave"] == wave])

    def send_wave(self, planned: list[dict]) -> None:
        bodies = [(self.build(p["body"]), p["name"]) for p in planned]
        group = Group()
        for body, name in bodies:
            group.spawn(self.post, body, name)
        group.join()

    def static(self, url: str) -> None:
        """A static file through this user's cache, as Chromium fetches it."""
        entry = self.cache.get(url)
        if entry and entry["fresh_until"] > time.monotonic():
            return  # from the browser's cache: no request
        headers = {}
        if entry and entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry and entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        response = self.request("GET", url, "static", _static_name(url), headers=headers)
        if response is None or response.status_code not in (200, 304):
            return
        if response.status_code == 200 or entry is None:
            entry = {
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
            }
        age = _max_age(response.headers.get("Cache-Control") or "")
        entry["fresh_until"] = time.monotonic() + age
        self.cache[url] = entry

    def get(self, url: str, kind: str, name: str) -> None:
        self.request("GET", url, kind, name)

    def post(self, body: dict, name: str) -> None:
        response = self.request(
            "POST", "/_dash-update-component", "callback", f"callback {name}", json=body
        )
        if response is None or response.status_code != 200:
            return
        try:
            answer = json.loads(response.content)["response"]
        except (ValueError, KeyError, TypeError):
            return
        for ident, props in answer.items():
            for prop, value in props.items():
                self.values[f"{ident}.{prop}"] = value

    def build(self, body: dict, changes: dict[str, Any] | None = None) -> dict:
        """The captured request with this user's current values."""
        values = {**self.values, **(changes or {})}
        body = copy.deepcopy(body)
        for item in _string_id_items(body.get("inputs")) + _string_id_items(body.get("state")):
            key = f"{item['id']}.{item['property']}"
            if key in values:
                item["value"] = values[key]
        return body

    # --- choices a person makes -------------------------------------------------------

    def _choices(self, key: str) -> list[Any]:
        options_key = CONTROLS[key][0]
        return [o["value"] for o in self.values.get(options_key) or [] if "value" in o]

    def random_change(self) -> dict[str, Any]:
        if random.random() < 0.1:  # clears the choices
            return {k: None for k in CLEARED if self.values.get(k) is not None}
        key = random.choices(list(CONTROLS), weights=[w for _, w in CONTROLS.values()])[0]
        if key == "filter-as-of.date":
            years = [y for y in self._choices("filter-year.value") if isinstance(y, int)]
            if not years:
                return {}
            day = dt.date(random.choice(years), random.randint(1, 12), random.randint(1, 28))
            return {key: day.isoformat()}
        choices = [c for c in self._choices(key) if c != self.values.get(key)]
        return {key: random.choice(choices)} if choices else {}

    def random_query(self) -> str:
        """A link someone might share: a year and maybe a forum or municipality."""
        pairs = []
        for key in ("filter-year.value", "filter-forum.value", "filter-municipality.value"):
            choices = self._choices(key)
            if choices and (key == "filter-year.value" or random.random() < 0.3):
                pairs.append(f"{QUERY_KEYS[key]}={random.choice(choices)}")
        return "&".join(pairs)

    # --- one request, checked and logged ---------------------------------------------

    def request(self, method: str, url: str, kind: str, name: str, **kwargs: Any) -> Any:
        """One request, resent once if the connection broke before any answer
        came: Chromium resends any request (POST too) that fails that way on a
        reused keep-alive connection, so a person never sees it. The broken
        attempt is logged with ``resent`` so the results can count it."""
        response = self._attempt(method, url, kind, name, dict(kwargs), resent=False)
        if response.status_code in (0, None) and isinstance(response.error, RESENT_ERRORS):
            response = self._attempt(method, url, kind, name, dict(kwargs), resent=True)
        return response

    def _attempt(
        self, method: str, url: str, kind: str, name: str, kwargs: dict, resent: bool
    ) -> Any:
        headers = {"Accept-Encoding": ACCEPT_ENCODING, **kwargs.pop("headers", {})}
        start = time.time()
        began = time.perf_counter()
        with self.client.request(
            method, url, name=name, headers=headers, catch_response=True, **kwargs
        ) as response:
            ms = (time.perf_counter() - began) * 1000
            version = response.headers.get(VERSION_HEADER) if response.headers else None
            error = None
            if response.status_code in (0, None):
                error = f"{type(response.error).__name__}: {response.error}"[:200]
            elif response.status_code not in (200, 204, 304):
                error = f"HTTP {response.status_code}"
            elif version and "," in version:
                error = f"read two versions: {version}"
            if error:
                response.failure(error)
            else:
                response.success()
        will_resend = (
            not resent
            and response.status_code in (0, None)
            and isinstance(response.error, RESENT_ERRORS)
        )
        LOG.write(
            json.dumps(
                {
                    "start": start,
                    "end": start + ms / 1000,
                    "ms": round(ms, 2),
                    "user": self.number,
                    "kind": kind,
                    "name": name,
                    "status": response.status_code,
                    "version": version,
                    "error": error,
                    "resent": will_resend,
                }
            )
            + "\n"
        )
        return response


def _static_name(url: str) -> str:
    """A static file's name in the results, without its cache-busting part."""
    path = url.split("?")[0]
    name = path.rsplit("/", 1)[-1]
    return "static " + re.sub(r"\.v\d+_\d+_\d+m\d+", "", name)
