package org.daqlab.webconsole.internal.security;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Holds back an HTML answer of the console until it is complete, to put the CSRF script into its head; any other
 * answer (JSON, scripts, images, downloads) passes through untouched, streamed as the console writes it.
 */
final class TokenInjectingResponse extends HttpServletResponseWrapper {

    private static final String HEAD_END = "</head>";

    private ByteArrayOutputStream held;
    private PrintWriter heldWriter;
    private ServletOutputStream heldStream;

    TokenInjectingResponse(HttpServletResponse response) {
        super(response);
    }

    private boolean html() {
        String type = getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/html");
    }

    private ByteArrayOutputStream hold() {
        if (held == null) {
            held = new ByteArrayOutputStream(16 * 1024);
        }
        return held;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (heldWriter != null) {
            return heldWriter;
        }
        if (!html()) {
            return super.getWriter();
        }
        heldWriter = new PrintWriter(new OutputStreamWriter(hold(), charset()));
        return heldWriter;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (heldStream != null) {
            return heldStream;
        }
        if (!html()) {
            return super.getOutputStream();
        }
        ByteArrayOutputStream target = hold();
        heldStream = new ServletOutputStream() {
            @Override
            public void write(int b) {
                target.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                target.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("the console writes its pages blocking");
            }
        };
        return heldStream;
    }

    /** The length changes with the script; an HTML page is sent with the final one. */
    @Override
    public void setContentLength(int len) {
        if (!html()) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!html()) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        if (held == null) {
            super.flushBuffer();
        }
    }

    /** Sends the held page with the script before its {@code </head>}; nothing to do for answers not held. */
    void finish(String script) throws IOException {
        if (held == null) {
            return;
        }
        if (heldWriter != null) {
            heldWriter.flush();
        }
        Charset charset = charset();
        String page = held.toString(charset);
        int head = page.toLowerCase(Locale.ROOT).indexOf(HEAD_END);
        if (head >= 0) {
            page = page.substring(0, head) + script + page.substring(head);
        }
        byte[] bytes = page.getBytes(charset);
        HttpServletResponse response = (HttpServletResponse) getResponse();
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private Charset charset() {
        String encoding = getCharacterEncoding();
        try {
            return encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }
}
