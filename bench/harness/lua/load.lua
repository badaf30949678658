-- wrk script of the benchmarks: builds each request by BENCH_KIND and reports one JSON line.
--   BENCH_KIND  get | registration | comment | floor
--   BENCH_TAG   makes the emails of one run unique across runs
-- Every request of every thread gets its own email (thread number and counter).
local kind = os.getenv("BENCH_KIND") or "get"
local tag = os.getenv("BENCH_TAG") or "x"
local threads = {}
counter = 0
non2xx = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  if kind ~= "get" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

local function email(n)
  return string.format("b%s-%d-%d@bench.example", tag, tid, n)
end

local bodies = {
  registration = function(n)
    local mode = (n % 2 == 0) and "onsite" or "remote"
    return string.format('{"name":"Bench Person %d","email":"%s","organisation":"Bench Oy",'
      .. '"municipality":"Tampere","attendance_mode":"%s","privacy_consent":true}', n, email(n), mode)
  end,
  comment = function(n)
    return string.format('{"name":"Bench Person %d","email":"%s","organisation":"Bench Oy",'
      .. '"text":"Comment %d-%d: the plan should **count** small providers too."}', n, email(n), tid, n)
  end,
  floor = function(n)
    return string.format('{"name":"Bench Person %d","email":"%s"}', n, email(n))
  end,
}

function request()
  counter = counter + 1
  if kind == "get" then
    return wrk.format(nil, nil)
  end
  return wrk.format(nil, nil, nil, bodies[kind](counter))
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
    .. '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect, e.read, e.write, e.timeout))
end
