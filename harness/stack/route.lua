-- HAProxy fetch `lua.ps_route(<vendor>)`: the simulator tenant a request is for.
--
-- It returns the tenant's name when the request names it (an admin path, a Workday
-- URL, a Kantata token's "<tenant>~" prefix), else "@<key>" for a vendor key that
-- the proxy's map file turns into a tenant (a Salesforce org id, a NetSuite account,
-- a client id, a user name), else "default". The configuration then picks the
-- backend from the tenant name (crc32 modulo the number of processes).

local function url_decode(s)
    s = s:gsub("+", " ")
    return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function form_value(body, name)
    for pair in body:gmatch("[^&]+") do
        local k, v = pair:match("^([^=]*)=(.*)$")
        if k and url_decode(k) == name then return url_decode(v) end
    end
    return nil
end

local function header(txn, name)
    local h = txn.http:req_get_headers()[name]
    return h and h[0] or nil
end

local function bearer(txn)
    local auth = header(txn, "authorization")
    return auth and auth:match("^[Bb]earer%s+(%S+)") or nil
end

local function basic_user(txn)
    local auth = header(txn, "authorization")
    local b64 = auth and auth:match("^[Bb]asic%s+(%S+)")
    if not b64 then return nil end
    local ok, decoded = pcall(function() return txn.c:b64dec(b64) end)
    return ok and decoded and decoded:match("^([^:]*)") or nil
end

local function admin_tenant(txn, path)
    local name = path:match("^/__admin/tenants/([^/?]+)")
    if name then return name end
    local query = txn.f:query() or ""
    name = form_value(query, "tenant")
    if name and name ~= "" then return name end
    local body = txn.f:req_body() or ""
    if path:find("^/__admin/tenants/?$") then  -- creating a tenant: {"name": ...}
        name = body:match('"name"%s*:%s*"([^"]+)"')
    else
        name = body:match('"tenant"%s*:%s*"([^"]+)"')
    end
    return name or "default"
end

local function salesforce(txn, path)
    local token = bearer(txn)
    if token then
        local org = token:match("^(%w+)!")
        if org then return "@sf:" .. org:sub(1, 15) end
    end
    local body = txn.f:req_body() or ""
    if path:find("^/services/oauth2/") then
        local client = basic_user(txn) or form_value(body, "client_id")
        if client then return "@sfc:" .. client end
    elseif path:find("^/services/Soap/") then
        local session = body:match("<[%w:]*sessionId>(%w+)!")
        if session then return "@sf:" .. session:sub(1, 15) end
        local user = body:match("<[%w:]*username>([^<]+)</")
        if user then return "@sfu:" .. user end
    end
    local org = path:match("^/id/(%w+)/")
    if org then return "@sf:" .. org:sub(1, 15) end
    return "default"
end

local function netsuite(txn, path)
    local auth = header(txn, "authorization") or ""
    local realm = auth:match('realm%s*=%s*"([^"]*)"')
    if realm then return "@ns:" .. realm:upper() end
    local body = txn.f:req_body() or ""
    local assertion = form_value(body, "client_assertion")
    if assertion then
        local payload = assertion:match("^[^.]+%.([^.]+)")
        if payload then
            payload = payload:gsub("-", "+"):gsub("_", "/")
            payload = payload .. string.rep("=", (4 - #payload % 4) % 4)
            local ok, json = pcall(function() return txn.c:b64dec(payload) end)
            local iss = ok and json and json:match('"iss"%s*:%s*"([^"]+)"')
            if iss then return "@nsc:" .. iss end
        end
    end
    return "default"
end

local function kantata(txn, path)
    local token = bearer(txn)
    if token then
        local tenant = token:match("^([^~]+)~")
        return tenant or "default"
    end
    local body = txn.f:req_body() or ""
    local client = form_value(body, "client_id") or form_value(txn.f:query() or "", "client_id")
        or body:match('"client_id"%s*:%s*"([^"]+)"')
    if client then return "@kc:" .. client end
    local refresh = form_value(body, "refresh_token") or body:match('"refresh_token"%s*:%s*"([^"]+)"')
    local tenant = refresh and refresh:match("^([^~]+)~")
    return tenant or "default"
end

local function workday(txn, path, prefix)
    for segment in path:gmatch("[^/?]+") do
        if segment:sub(1, #prefix) == prefix and #segment > #prefix then
            return segment:sub(#prefix + 1)
        end
    end
    return "default"
end

core.register_fetches("ps_route", function(txn, vendor, prefix)
    local path = txn.f:path() or "/"
    if path:find("^/__admin") then return admin_tenant(txn, path) end
    if vendor == "salesforce" then return salesforce(txn, path) end
    if vendor == "netsuite" then return netsuite(txn, path) end
    if vendor == "kantata" then return kantata(txn, path) end
    if vendor == "workday" then return workday(txn, path, prefix or "psharness_") end
    return "default"
end)
