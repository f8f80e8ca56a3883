package dev.mistralgateway.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/** What an app does: POST a JSON body to one of the gateway's paths. */
public final class Client {

    private Client() {
    }

    public static Response post(String path, String json) {
        return given().contentType("application/json").body(json).when().post(path);
    }
}
