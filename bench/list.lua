-- wrk script for the trajectory list (GET /v1/trajecten?limit=50[&cursor=...]).
--   wrk ... -s bench/list.lua 'URL?limit=50&cursor=...' -- TOKEN
-- Every request is the same GET (path and query from the URL) with the bearer token.
-- done() prints one machine-readable "BENCH ..." line that bench/run.py parses.

local req

function init(args)
   local token = args[1]
   if not token then
      error("usage: wrk ... -s list.lua URL -- TOKEN")
   end
   req = wrk.format("GET", nil, {
      ["Authorization"] = "Bearer " .. token,
      ["Accept"] = "application/json",
   })
end

function request()
   return req
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
      summary.requests, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
