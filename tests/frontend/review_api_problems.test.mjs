// What a failed API answer says to the person.
import assert from "node:assert/strict";
import { test } from "node:test";

import { problemText } from "../../frontend/static/js/review/api.js";

test("a signed-out answer says so in words, whatever DRF's message", () => {
  const signedOut = { ok: false, status: 401, data: { code: "not_authenticated", message: "Authentication credentials were not provided." } };
  assert.match(problemText(signedOut), /^You are signed out .*sign in again/);
  assert.equal(problemText({ ok: false, status: 409, data: { code: "stale_version", message: "Photo 3 changed." } }), "Photo 3 changed.");
  assert.equal(problemText({ ok: false, status: 502, data: null }), "The server answered 502.");
});
