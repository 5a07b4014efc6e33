-- proxy.lua: wrk requests in proxy form (absolute URLs) through Squid: 100 other sites and
-- kPoint media, about 10 % kPoint. ORIGIN_PORT names the origin's port.
local port = os.getenv("ORIGIN_PORT")
local urls = {}
for i = 0, 99 do
	urls[#urls + 1] = "http://www.site" .. i .. ".example:" .. port .. "/index.html"
end
for i = 0, 10 do
	urls[#urls + 1] = "http://mp001se.kpoint.com:" .. port .. "/m" .. i .. "/test.mp4"
end
local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", urls[(n % #urls) + 1])
end
