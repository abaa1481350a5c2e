-- One scenario of bench/run.py for wrk. run.py prepends the parameters:
--   METHOD, PATHS (paths to cycle through), TOKEN, CONTENT_TYPE ("" for none),
--   CLIENTS (client ids to rotate across; empty for reads), BODIES ({before, after} pairs: the
--   body is before .. client id .. after), RATE (requests/s over all threads; 0 = as fast as the
--   server answers), THREADS.
-- done() prints one line "BENCH_JSON {...}" that run.py reads.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]])
local clock = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

-- Per thread (each wrk thread has its own Lua state); globals so done() can read them.
non2xx = 0
first_error = ""
local counter = 0
local interval = 0
local next_at = nil

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Threads start at different places in the rotation, so they do not write the same client.
  counter = (thread_index or 0) * 7919
  if RATE > 0 then
    interval = 1000.0 * THREADS / RATE
  end
  wrk.headers["Authorization"] = "Bearer " .. TOKEN
  if CONTENT_TYPE ~= "" then
    wrk.headers["Content-Type"] = CONTENT_TYPE
  end
end

function request()
  counter = counter + 1
  local path = PATHS[(counter % #PATHS) + 1]
  local body = nil
  if #CLIENTS > 0 then
    local client = CLIENTS[(counter % #CLIENTS) + 1]
    local parts = BODIES[(counter % #BODIES) + 1]
    body = parts[1] .. client .. parts[2]
  end
  return wrk.format(METHOD, path, nil, body)
end

-- Fixed rate (wrk2-like): each request of this thread takes the next slot of a schedule of
-- RATE/THREADS per second; a connection waits for its slot. A server that falls behind gets the
-- missed slots at once (up to one second's worth), as an open-loop client would send them.
function delay()
  if interval <= 0 then
    return 0
  end
  local now = now_ms()
  if next_at == nil or next_at < now - 1000 then
    next_at = now
  end
  local wait = next_at - now
  next_at = next_at + interval
  if wait <= 0 then
    return 0
  end
  return math.floor(wait)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_error == "" then
      first_error = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

local function quote(text)
  text = string.gsub(text, "[%c\"\\]", function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. text .. '"'
end

function done(summary, latency, requests)
  local failed = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("non2xx") or 0)
    local text = thread:get("first_error")
    if sample == "" and text ~= nil then
      sample = text
    end
  end
  local e = summary.errors
  local fields = {
    '"requests":' .. summary.requests,
    '"duration_us":' .. summary.duration,
    '"bytes":' .. summary.bytes,
    '"non2xx":' .. failed,
    '"socket_errors":' .. (e.connect + e.read + e.write + e.timeout),
    '"timeouts":' .. e.timeout,
    '"mean_us":' .. latency.mean,
    '"max_us":' .. latency.max,
    '"p50_us":' .. latency:percentile(50),
    '"p90_us":' .. latency:percentile(90),
    '"p99_us":' .. latency:percentile(99),
    '"p999_us":' .. latency:percentile(99.9),
    '"first_error":' .. quote(sample),
  }
  io.write("BENCH_JSON {" .. table.concat(fields, ",") .. "}\n")
end
