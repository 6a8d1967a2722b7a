package io.backuprouter.targets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * The SDK's HTTP client, watched: for each GET, its Range header and the status and Content-Length
 * the server answered with (what it sends, whether or not the caller reads it all), the bytes of
 * response bodies the SDK read, and how many parts of multipart uploads went out.
 */
final class CountingHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate = ApacheHttpClient.create();
    /** One line per GET: {@code <Range or "whole"> -> <status> <Content-Length>}. */
    final List<String> gets = new CopyOnWriteArrayList<>();
    final AtomicLong bodyBytesRead = new AtomicLong();
    /** How many parts of multipart uploads were sent (UploadPart requests). */
    final AtomicLong partsSent = new AtomicLong();
    /**
     * When set, GETs go without their Range header, as to a server that ignores it: only on a server
     * that does not check signatures (S3Mock), as the header is signed.
     */
    volatile boolean dropRanges;

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (dropRanges && request.httpRequest().method() == SdkHttpMethod.GET) {
            request = HttpExecuteRequest.builder().request(request.httpRequest().toBuilder().removeHeader("Range").build())
                    .build();
        }
        ExecutableHttpRequest executable = delegate.prepareRequest(request);
        if (request.httpRequest().method() == SdkHttpMethod.PUT
                && request.httpRequest().rawQueryParameters().containsKey("partNumber")) {
            partsSent.incrementAndGet();
        }
        if (request.httpRequest().method() != SdkHttpMethod.GET) {
            return executable;
        }
        String range = request.httpRequest().firstMatchingHeader("Range").orElse("whole");
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                HttpExecuteResponse response = executable.call();
                var http = response.httpResponse();
                gets.add(range + " -> " + http.statusCode() + " " + http.firstMatchingHeader("Content-Length").orElse("?"));
                if (response.responseBody().isEmpty()) {
                    return response;
                }
                AbortableInputStream body = response.responseBody().get();
                return HttpExecuteResponse.builder().response(http)
                        .responseBody(AbortableInputStream.create(counting(body), body)).build();
            }

            @Override
            public void abort() {
                executable.abort();
            }
        };
    }

    private InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                bodyBytesRead.addAndGet(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                bodyBytesRead.addAndGet(Math.max(0, n));
                return n;
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }
}
