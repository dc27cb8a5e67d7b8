# shellcheck shell=bash
# Where Cohort's JVMs run the build's jar from, and the class-data sharing archive that goes with
# it. Sourced by bin/cohort, which runs the jar, and by class-archive.sh, which the build runs to
# make the archive: both must name the same files.
#
# A JVM never runs cli/target/cohort.jar itself: Maven rewrites that file in place, and a JVM still
# running from it (a `cohort local` cluster while you edit and rerun) would fail to load its next
# class and stop. It runs a snapshot, run/cohort-<jar's mtime>-<jar's size>.jar beside it; the
# newest few snapshots are kept, since a running local cluster starts replacement nodes from its
# own. A JVM's class-data archive names the exact jar it was made for, so the build makes it for
# the snapshot: run/cohort-<mtime>-<size>.<archive's size>.jsa.

# cohort_snapshot JAR: prints the snapshot's path, copying JAR there first when needed.
cohort_snapshot() {
  local jar="$1" run_dir snapshot old
  run_dir="$(dirname "$jar")/run"
  snapshot="$run_dir/cohort-$(date -r "$jar" +%s)-$(wc -c <"$jar" | tr -d ' ').jar"
  if [ ! -f "$snapshot" ]; then
    mkdir -p "$run_dir" || return 1
    # -p keeps the jar's time: the archive checks it, and the newest build sorts first.
    cp -p "$jar" "$snapshot.$$.tmp" && mv -f "$snapshot.$$.tmp" "$snapshot" || return 1
    # shellcheck disable=SC2012  # our own file names, one per line
    ls -t "$run_dir"/cohort-*.jar 2>/dev/null | tail -n +6 | while read -r old; do
      rm -f "$old" "${old%.jar}".*.jsa
    done
  fi
  printf '%s\n' "$snapshot"
}

# cohort_archive SNAPSHOT: prints the class-data archive made for SNAPSHOT, when there is one and
# it has the size the build wrote into its name. (A JVM that maps a cut-off archive crashes; one
# made for another jar or another JDK it ignores.)
cohort_archive() {
  local archive bytes
  for archive in "${1%.jar}".*.jsa; do
    [ -f "$archive" ] || continue
    bytes="${archive%.jsa}"
    bytes="${bytes##*.}"
    if [ "$(wc -c <"$archive" | tr -d ' ')" = "$bytes" ]; then
      printf '%s\n' "$archive"
      return 0
    fi
  done
  return 1
}
