-- wrk script for referral intake (TECH-NOTES §12).
--   wrk ... -s bench/intake.lua URL -- BODY_FILE TOKEN RUN_ID
-- Every request gets a fresh key <RUN_ID>t<thread>n<counter>, sent as Idempotency-Key and as
-- verwijzer.referentie (the body's "__REF__"), so every request is a new insert.
-- done() prints one machine-readable "BENCH ..." line that bench/run.py parses.

local next_thread = 0

function setup(thread)
   next_thread = next_thread + 1
   thread:set("thread_no", next_thread)
end

local template, token, run_id
local counter = 0

function init(args)
   local path = args[1]
   token = args[2]
   run_id = args[3]
   if not (path and token and run_id) then
      error("usage: wrk ... -s intake.lua URL -- BODY_FILE TOKEN RUN_ID")
   end
   local f = assert(io.open(path, "r"))
   template = f:read("*a")
   f:close()
   if not template:find("__REF__", 1, true) then
      error(path .. " has no __REF__ placeholder")
   end
end

function request()
   counter = counter + 1
   local key = run_id .. "t" .. thread_no .. "n" .. counter
   local body = template:gsub("__REF__", key)
   return wrk.format("POST", nil, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = key,
   }, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
      summary.requests, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
