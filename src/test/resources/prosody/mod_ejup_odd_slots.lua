-- Test only (scripts/local-prosody): an XEP-0363 upload service that hands out slot shapes no
-- packaged server produces, for an upload server that records what reaches it
-- (src/test/resources/http/recording_upload.py). Options, per component:
--   ejup_base_url        where the recorder listens, e.g. "http://127.0.0.1:PORT/"
--   ejup_namespaces      namespaces announced (default { "urn:xmpp:http:upload:0" })
--   ejup_max_file_size   max-file-size as text, sent as is (default "1048576")
--   ejup_shape           "plain" (default), "cookies" (two Cookie headers and one header no client may send),
--                        "newline" (an Authorization value with a line feed), "too-large-without-max"
--                        (file-too-large without <max-file-size>), "too-large-bare" (a size over the
--                        limit refused with not-acceptable alone, no <file-too-large/>), "too-large-other"
--                        (a size over the limit refused with policy-violation), "too-large-silent" (a size
--                        over the limit never answered), "retry" (a quota refusal with
--                        <retry stamp>), "not-allowed" (every slot refused with not-allowed), "drop" (plain; the
--                        recorder drops a GET of a path it never stored)
local st = require "util.stanza";
local dataforms = require "util.dataforms";
local uuid = require "util.uuid";

module:depends("disco");

local NS = "urn:xmpp:http:upload:0";
local LEGACY = "urn:xmpp:http:upload";
local base_url = module:get_option_string("ejup_base_url");
local namespaces = module:get_option_array("ejup_namespaces", { NS });
local max_text = module:get_option_string("ejup_max_file_size", "1048576");
local shape = module:get_option_string("ejup_shape", "plain");

module:add_identity("store", "file", "ejup odd slots (" .. shape .. ")");
for _, ns in ipairs(namespaces) do
	module:add_feature(ns);
	module:add_extension(dataforms.new {
		{ name = "FORM_TYPE", type = "hidden", value = ns },
		{ name = "max-file-size", type = "text-single" },
	}:form({ ["max-file-size"] = max_text }, "result"));
end

local function answer(event, ns, filename, size)
	local origin, stanza = event.origin, event.stanza;
	local limit = tonumber(max_text);
	if shape == "not-allowed" then
		origin.send(st.error_reply(stanza, "cancel", "not-allowed", "Uploads are not allowed here"));
		return true;
	end
	if shape == "retry" then
		origin.send(st.error_reply(stanza, "wait", "resource-constraint", "Quota reached")
			:tag("retry", { xmlns = NS, stamp = "2031-01-01T00:00:00Z" }));
		return true;
	end
	if not size or not filename then
		origin.send(st.error_reply(stanza, "modify", "bad-request", "Missing filename or size"));
		return true;
	end
	if limit and size > limit and shape == "too-large-bare" then
		origin.send(st.error_reply(stanza, "modify", "not-acceptable", "File too large"));
		return true;
	end
	if limit and size > limit and shape == "too-large-silent" then
		return true;
	end
	if limit and size > limit and shape == "too-large-other" then
		origin.send(st.error_reply(stanza, "modify", "policy-violation", "Not today"));
		return true;
	end
	if limit and size > limit then
		local err = st.error_reply(stanza, "modify", "not-acceptable", "File too large"):tag("file-too-large", { xmlns = ns });
		if shape ~= "too-large-without-max" then
			err:tag("max-file-size"):text(max_text):up();
		end
		origin.send(err);
		return true;
	end
	local url = base_url .. shape .. "/" .. uuid.generate() .. "/" .. filename;
	local reply = st.reply(stanza);
	if ns == LEGACY then
		reply:tag("slot", { xmlns = LEGACY }):text_tag("put", url):text_tag("get", url);
	else
		reply:tag("slot", { xmlns = NS }):tag("put", { url = url });
		if shape == "cookies" then
			reply:text_tag("header", "a=1", { name = "Cookie" });
			reply:text_tag("header", "X-Not-Allowed: 1", { name = "X-Ejup-Forbidden" });
			reply:text_tag("header", "b=2", { name = "Cookie" });
		elseif shape == "newline" then
			reply:text_tag("header", "Bearer abc\ndef", { name = "Authorization" });
		end
		reply:up():tag("get", { url = url });
	end
	origin.send(reply);
	return true;
end

module:hook("iq-get/host/" .. NS .. ":request", function (event)
	local request = event.stanza.tags[1];
	return answer(event, NS, request.attr.filename, tonumber(request.attr.size));
end);

module:hook("iq-get/host/" .. LEGACY .. ":request", function (event)
	local request = event.stanza.tags[1];
	return answer(event, LEGACY, request:get_child_text("filename"), tonumber(request:get_child_text("size")));
end);
