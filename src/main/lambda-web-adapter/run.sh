#!/bin/sh
# The streaming deployment on the java21 runtime: the Lambda Web Adapter layer
# (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) runs this handler file, which starts the plain HTTP
# server build on AWS_LWA_PORT; the adapter then relays each invocation to it and streams the answer.
# C1 only and the serial collector: a function has one or two vCPUs and short requests, so start-up
# time and footprint matter more than peak throughput. JAVA_OPTS adds or overrides options.
cd "$(dirname "$0")" || exit 1
exec java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${JAVA_OPTS:-} -jar quarkus-run.jar
