# Varnish in front of Thaw (Debian: apt-get install varnish varnish-modules). See docs/operations.md.
#
# Keeps what Django marks public (anonymous public pages) for their s-maxage, keyed on scheme, host and URL with
# tracking parameters dropped, and drops pages by tag when Thaw publishes or withdraws: Django names each page's
# tags in the `xkey` header, and thaw_site/publishing/frontend_caches.py sends `PURGE /` with the tags to drop
# in `xkey-purge` (set THAW_VARNISH_URLS=http://127.0.0.1:6081).
vcl 4.1;

import std;
import xkey;

# Thaw's gunicorn (BIND/PORT in gunicorn.conf.py).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the machines running Thaw.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the tags to purge in xkey-purge"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in editors get their own pages (Django marks them private, too).
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Tracking parameters make no new copies (Django drops them, and any the page does not read, itself).
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?i)([?&])(utm_[a-z]+|gclid|fbclid|msclkid|mc_[a-z]+)=[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # The scheme, as the TLS terminator in front tells it (Django reads the same header): absolute URLs differ.
    hash_data(req.http.X-Forwarded-Proto);
    # Then the built-in: URL and host.
}

sub vcl_backend_response {
    # A page past its time, or purged, is never served: fetch it again.
    set beresp.grace = 0s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    # s-maxage is for this cache, which Thaw purges; caches further on get the browsers' max-age.
    if (resp.http.Cache-Control) {
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, ",?\s*s-maxage=\d+", "");
    }
}
