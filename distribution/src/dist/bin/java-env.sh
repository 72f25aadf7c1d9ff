# Finds a JDK 21 or later and exports JAVA_HOME and JAVA. Sourced by bin/postrider and
# by the repository's ./postrider, so the rule lives in one place:
# JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm.

# The major version from the JDK's release file (no JVM started: each java -version cost
# 0.3-0.9 s of the start on a loaded machine, once per JDK found); the JVM's own answer only
# when there is no release file.
postrider_java_major() {
  local v=""
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9._]*\)".*/\1/p' "$1/release" | head -1)
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | head -1)
  fi
  case "$v" in 1.*) v=${v#1.} ;; esac
  echo "${v%%[._]*}"
}

postrider_find_java() {
  local best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(postrider_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ]; then
      best=$JAVA_HOME best_major=$major
    fi
  fi
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/*; do
      [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
      major=$(postrider_java_major "$candidate")
      if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
        best=$candidate best_major=$major
      fi
    done
  fi
  if [ -z "$best" ]; then
    echo "postrider: no JDK 21 or later found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
    return 1
  fi
  export JAVA_HOME=$best
  export JAVA="$best/bin/java"
  export POSTRIDER_JAVA_MAJOR=$best_major
}
