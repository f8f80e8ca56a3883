package dev.mistralgateway.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;

import software.amazon.awscdk.Fn;

/**
 * The server build behind the streaming front doors: the artifact it must be, the AWS Lambda Web Adapter
 * layer that starts it, and the adapter's settings.
 */
final class ServerBuild {

    /** With the adapter's exec wrapper, the java21 runtime starts this script of the server build instead of a handler. */
    static final String SERVER_SCRIPT = "run.sh";
    /** The AWS account that publishes the AWS Lambda Web Adapter layers in every commercial region. */
    static final String ADAPTER_ACCOUNT = "753240598075";
    /**
     * Version of both adapter layers (LambdaAdapterLayerArm64, LambdaAdapterLayerX86): 30 is adapter release
     * 1.1.0, the first with SnapStart support. Both architectures share the number; bump it deliberately.
     */
    static final int ADAPTER_LAYER_VERSION = 30;
    /** The server listens here and the adapter forwards to it. */
    static final String SERVER_PORT = "8080";

    private ServerBuild() {
    }

    /**
     * The adapter's settings. It runs as a Lambda extension from the layer, waits until the server answers
     * its readiness check, then turns each invocation into an HTTP request to the server and streams the
     * answer back. On java21 the exec wrapper makes the runtime start run.sh (the server) instead of a Java
     * handler; on provided.al2023 the runtime starts the zip's own bootstrap, so no wrapper is needed.
     */
    static Map<String, String> adapterVariables(boolean jvm) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (jvm) {
            variables.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
        }
        variables.put("AWS_LWA_INVOKE_MODE", "response_stream");
        variables.put("AWS_LWA_PORT", SERVER_PORT);
        variables.put("QUARKUS_HTTP_PORT", SERVER_PORT);
        variables.put("AWS_LWA_READINESS_CHECK_PATH", "/q/health/ready");
        return variables;
    }

    /** The adapter layer for the function's architecture, in the deployment's region. */
    static String adapterLayerArn(String arch) {
        String name = arch.equals("x86_64") ? "LambdaAdapterLayerX86" : "LambdaAdapterLayerArm64";
        return Fn.sub("arn:aws:lambda:${AWS::Region}:" + ADAPTER_ACCOUNT + ":layer:" + name + ":" + ADAPTER_LAYER_VERSION);
    }

    /**
     * The server build must hold its start script: run.sh (JVM, started by the adapter's exec wrapper) or
     * bootstrap (native, started by the provided runtime). A directory or a zip will do.
     */
    static void require(Path artifact, String name, boolean jvm) {
        String entry = jvm ? SERVER_SCRIPT : "bootstrap";
        String build = jvm
                ? "./mvnw package -Pserver at the project root, which writes target/quarkus-app with its run.sh"
                : "the native server build, function-server.zip, made by the native GitHub workflow (.github/workflows/native.yml); "
                        + "put it in target/";
        if (Files.isDirectory(artifact)) {
            Path script = artifact.resolve(entry);
            if (!Files.isRegularFile(script)) {
                throw new ConfigurationError("Server build " + name + " has no " + entry + ": it is not the server build. "
                        + "Build it with " + build + ", or set -c artifact=...");
            }
            if (!Files.isExecutable(script)) {
                throw new ConfigurationError(name + "/" + entry + " is not executable; Lambda runs it directly: "
                        + "chmod +x it, or rebuild with " + build);
            }
        } else if (Files.isRegularFile(artifact)) {
            try (ZipFile zip = new ZipFile(artifact.toFile())) {
                if (zip.getEntry(entry) == null) {
                    throw new ConfigurationError("Server build " + name + " holds no " + entry + " at its top: "
                            + "it is not the server build. Build it with " + build + ", or set -c artifact=...");
                }
            } catch (IOException e) {
                throw new ConfigurationError(
                        "Server build " + name + " is neither a folder nor a readable zip: " + e.getMessage());
            }
        } else {
            throw new ConfigurationError("Server build " + name + " not found: build it first (" + build
                    + ") or set -c artifact=...");
        }
    }
}
