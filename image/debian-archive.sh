# Sourced by image/debian-src.sh and image/debian-deb.sh: the Debian archive this system uses,
# and the private apt run on it.

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


# The private apt both scripts run: its options (the array apt_opts) and two steps. Needs
# apt_dir (the private directory) and die from the sourcing script.
# As root, apt would drop to the _apt user, who cannot write here; it says so and falls back.
apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null)
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)

# apt_private_list TYPE OPTIONS LISTS: the private list, $apt_dir/sources.list: this system's
# Debian archive entries as "TYPE [OPTIONS signed-by=KEY] URI SUITE COMPONENTS" (a changed list
# drops the old package lists); its package lists (the files LISTS matches in $apt_dir/lists)
# are fetched once.
apt_private_list()
{
    local type=$1 options=$2 lists=$3 keyring=/usr/share/keyrings/debian-archive-keyring.gpg entries
    entries=$(system_entries | sort -u)
    [ -n "$entries" ] || entries="http://deb.debian.org/debian $(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}") main"
    [ -f "$keyring" ] || die "$keyring missing (debian-archive-keyring)"
    sed "s|^|$type [${options:+$options }signed-by=$keyring] |" <<<"$entries" >"$apt_dir/sources.list.new"
    if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list"; then
        mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
        rm -rf "$apt_dir/lists" && mkdir -p "$apt_dir/lists/partial"
    fi
    compgen -G "$apt_dir/lists/$lists" >/dev/null || apt_update
}

apt_update()
{
    apt-get "${apt_opts[@]}" update >>"$apt_dir/apt.log" 2>&1 ||
        { tail -n 20 "$apt_dir/apt.log" >&2; die "apt-get update of the private list ($apt_dir/sources.list) failed"; }
}

# apt_fetch DIR ARGS...: apt-get ARGS in DIR (emptied first). A package the archive no longer
# has at the lists' version fails: the lists are fetched again and it runs once more.
apt_fetch()
{
    local dir=$1
    shift
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && apt-get "${apt_opts[@]}" "$@" >>"$apt_dir/apt.log" 2>&1) && return 0
    apt_update
    (cd "$dir" && apt-get "${apt_opts[@]}" "$@" >>"$apt_dir/apt.log" 2>&1) ||
        { tail -n 20 "$apt_dir/apt.log" >&2; die "apt-get $* failed (sources: $apt_dir/sources.list)"; }
}
