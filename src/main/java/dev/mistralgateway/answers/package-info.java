/**
 * The OpenAI answer shapes the gateway builds itself (from formats that do not speak OpenAI), as
 * records serialised by Jackson; registered for reflection so a native image can serialise them.
 */
package dev.mistralgateway.answers;
