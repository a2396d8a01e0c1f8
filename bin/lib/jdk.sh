# Finds a JDK 25 or newer and exports JAVA_HOME and JAVA for the calling script.
# Order: $JAVA_HOME, the JDKs under /usr/lib/jvm, then `java` on the PATH.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}

find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate/bin/java")" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export JAVA="$candidate/bin/java"
      return 0
    fi
  done
  if command -v java >/dev/null 2>&1 && [ "$(java_major java)" -ge 25 ] 2>/dev/null; then
    JAVA="$(command -v java)"
    export JAVA
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA")")")"
    export JAVA_HOME
    return 0
  fi
  echo "error: PairDB needs a JDK 25 or newer; set JAVA_HOME to one (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  return 1
}
