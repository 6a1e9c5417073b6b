-- wrk script for the write benchmarks: POST BODY_FILE to /v1/trajecten/<id>/<SUFFIX>, with the
-- ids taken in order from IDS_FILE (one per line), starting at line START + 1.
--   wrk ... -s bench/write.lua URL -- BODY_FILE IDS_FILE TOKEN SUFFIX START MODE
-- MODE "once": every request a new id (a transition moves each trajectory once); the caller
--   gives enough ids: past the last one the script wraps around, and the server's 409s then
--   fail the run. MODE "cycle": round-robin over the ids (visits: many per trajectory).
-- URL is the server's root (http://host:port); its path is ignored.
-- done() prints one machine-readable "BENCH ..." line that bench/run.py parses.

local ids = {}
local headers, body, suffix
local position = 0

function init(args)
   local body_file, ids_file, token = args[1], args[2], args[3]
   suffix = args[4]
   local start, mode = tonumber(args[5]), args[6]
   if not (body_file and ids_file and token and suffix and start)
      or (mode ~= "once" and mode ~= "cycle") then
      error("usage: wrk ... -s write.lua URL -- BODY_FILE IDS_FILE TOKEN SUFFIX START once|cycle")
   end
   local f = assert(io.open(body_file, "r"))
   body = f:read("*a")
   f:close()
   for line in io.lines(ids_file) do
      if #line > 0 then
         ids[#ids + 1] = line
      end
   end
   if #ids == 0 then
      error(ids_file .. " holds no ids")
   end
   if mode == "once" and start >= #ids then
      error(string.format("%s: start %d but only %d ids", ids_file, start, #ids))
   end
   position = start % #ids
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }
end

function request()
   position = position + 1
   if position > #ids then
      position = 1
   end
   local path = "/v1/trajecten/" .. ids[position] .. "/" .. suffix
   return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
      summary.requests, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
