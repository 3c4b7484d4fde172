-- Test only (scripts/local-prosody): a host whose own service discovery fails in one way, for how
-- ejup finds the upload service then (Smack and Dino ask the host's disco#info first). Options, per host:
--   ejup_disco_items   "error": the host's disco#items is answered with feature-not-implemented
--   ejup_disco_info    "silent": the host's disco#info is never answered
local st = require "util.stanza";

if module:get_option_string("ejup_disco_items", "") == "error" then
	module:hook("iq-get/host/http://jabber.org/protocol/disco#items:query", function (event)
		event.origin.send(st.error_reply(event.stanza, "cancel", "feature-not-implemented"));
		return true;
	end, 1000);
end

if module:get_option_string("ejup_disco_info", "") == "silent" then
	module:hook("iq-get/host/http://jabber.org/protocol/disco#info:query", function ()
		return true;
	end, 1000);
end
