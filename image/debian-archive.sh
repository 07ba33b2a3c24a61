# Sourced by image/debian-src.sh and image/debian-deb.sh: the Debian archive this system uses.

# The system's Debian archive entries (deb822 .sources and one-line .list files), as
# "URI SUITE COMPONENTS". Only entries signed by Debian's archive key or naming a debian
# path are taken (not third-party repositories the machine may have).
system_entries()
{
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           if ($i ~ /\/debian(-security)?\/?$/) { line = $i; for (j = i + 1; j <= NF; j++) line = line " " $j; print line } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() { if (types ~ /(^| )deb( |$)/ && uris ~ /\/debian(-security)?\/?( |$)/) {
                                   n = split(uris, u, " "); m = split(suites, s, " ")
                                   for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j], comps } 
                               types = uris = suites = comps = "" }
             /^[ \t]*$/ { flush(); next }
             /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
             /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
             /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
             /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
             END { flush() }' "$f"
    done
}

