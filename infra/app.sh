#!/bin/sh
# The CDK app as cdk.json runs it: Maven compiles it and writes its classpath, then Java runs it.
# Not `mvn exec:exec`: a mistake in gateway.env or a -c value then ends in the app's own line,
# "error: ...", with exit status 2, instead of inside a Maven failure report and its stack trace.
set -e
cd "$(dirname "$0")"
../mvnw -q compile dependency:build-classpath -Dmdep.outputFile=target/app.classpath
# jsii unpacks the CDK's JavaScript (about 190 MB) here, as in the tests, rather than in the home folder
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="$PWD/target/jsii-cache" JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "target/classes:$(cat target/app.classpath)" dev.mistralgateway.infra.GatewayApp
