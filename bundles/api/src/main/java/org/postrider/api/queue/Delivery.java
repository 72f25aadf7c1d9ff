package org.postrider.api.queue;

import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;

/**
 * One delivery attempt handed to an agent: the envelope (with only the recipients routed
 * to that agent), the content, and where the router sends it.
 *
 * @param queueId     the message's queue id; agents use it to make delivery idempotent
 * @param envelope    sender and the recipients for this agent
 * @param content     the message, trace header included
 * @param destination the route's destination: a domain for SMTP, a server name for the
 *                    internal transport, a user for local delivery, an address space for a gateway
 * @param attempt     1 for the first attempt
 */
public record Delivery(QueueId queueId, Envelope envelope, MessageContent content, String destination, int attempt) {
}
