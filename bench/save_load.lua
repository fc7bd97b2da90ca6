-- wrk script for bench/save_load.py: POSTs prepared saves, round-robin over the users.
--
--   wrk -t 2 -c 50 -s bench/save_load.lua http://127.0.0.1:PORT -- DATA_FILE THREADS RUN [ACCEPT]
--
-- DATA_FILE has one request per line, five tab-separated fields, each hex-encoded:
--   path, Cookie header, Content-Type header, body before the counter, body after it.
-- Each thread takes every THREADS-th line (its own users, so two threads never write the
-- same user's submission; save_load.py runs one thread per connection, so that a user never
-- has two saves in flight, as with the page's script) and puts a fresh fixed-width stamp into every body (RUN, one
-- letter, tells the warm-up from the measured run), so every request changes the comment
-- and really writes. ACCEPT is the Accept header: application/json (autosave, the default) or
-- text/html (the save button: a 303/302 redirect counts as saved). done() prints "BENCH key value" lines
-- that save_load.py reads: the totals, the latency percentiles, the status codes seen.

local threads = {}

local function unhex(text)
  return (text:gsub("%x%x", function(pair) return string.char(tonumber(pair, 16)) end))
end

local function split_tabs(line)
  local fields, start = {}, 1
  while true do
    local stop = line:find("\t", start, true)
    if not stop then
      table.insert(fields, unhex(line:sub(start)))
      return fields
    end
    table.insert(fields, unhex(line:sub(start, stop - 1)))
    start = stop + 1
  end
end

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[2])
  run = args[3]
  accept = args[4] or "application/json"
  users = {}
  local index = 0
  for line in io.lines(path) do
    if line ~= "" then
      if index % count == tid then
        local f = split_tabs(line)
        if #f ~= 5 then error("expected 5 fields in line " .. (index + 1) .. " of " .. path) end
        table.insert(users, {
          path = f[1],
          headers = {
            ["Cookie"] = f[2],
            ["Content-Type"] = f[3],
            ["Accept"] = accept,
            ["User-Agent"] = "agora-save-bench",
          },
          before = f[4],
          after = f[5],
        })
      end
      index = index + 1
    end
  end
  if #users == 0 then error("thread " .. tid .. " has no users in " .. path) end
  next_user = 0
  counter = 0
  statuses = {}
  saved = 0
end

function request()
  local user = users[next_user + 1]
  next_user = (next_user + 1) % #users
  counter = counter + 1
  local stamp = string.format("%s%d-n%010d", run, tid, counter)
  return wrk.format("POST", user.path, user.headers, user.before .. stamp .. user.after)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if (status == 200 and body and body:find('"status":%s*"saved"'))
      or (accept ~= "application/json" and (status == 302 or status == 303)) then
    saved = saved + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p90_us %d\n", latency:percentile(90)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us %d\n", latency.max))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts %d\n", e.timeout))
  local total_saved = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    total_saved = total_saved + (thread:get("saved") or 0)
    for code, n in pairs(thread:get("statuses") or {}) do
      merged[code] = (merged[code] or 0) + n
    end
  end
  io.write(string.format("BENCH saved %d\n", total_saved))
  for code, n in pairs(merged) do
    io.write(string.format("BENCH status_%s %d\n", code, n))
  end
end
