package io.backuprouter.testing;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * S3Proxy 2.6 (jclouds) in-process, loaded from its jar-with-dependencies in a class loader of its
 * own so that its Guava, Jetty and jclouds never meet ours. Maven copies the jar to
 * {@code target/test-servers/} and names it in the {@code strict.s3proxy.jar} system property.
 */
final class StrictS3Proxy implements TestS3Server.Running {
    private static URLClassLoader loader;

    private final Object proxy;
    private final Object context;

    private StrictS3Proxy(Object proxy, Object context) {
        this.proxy = proxy;
        this.context = context;
    }

    private static synchronized URLClassLoader loader() throws Exception {
        if (loader == null) {
            Path jar = Path.of(System.getProperty("strict.s3proxy.jar", "target/test-servers/s3proxy-strict.jar"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("strict S3 server jar " + jar + " is missing: run the tests through Maven"
                        + " (mvn verify), which copies it there in generate-test-resources");
            }
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    static StrictS3Proxy start(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        ClassLoader cl = loader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(cl);
        try {
            Properties overrides = new Properties();
            overrides.setProperty("jclouds.filesystem.basedir", dataDir.toString());
            Class<?> contextBuilder = cl.loadClass("org.jclouds.ContextBuilder");
            Object builder = contextBuilder.getMethod("newBuilder", String.class).invoke(null, "filesystem-nio2");
            contextBuilder.getMethod("credentials", String.class, String.class).invoke(builder, "identity", "credential");
            contextBuilder.getMethod("overrides", Properties.class).invoke(builder, overrides);
            Class<?> blobStoreContextType = cl.loadClass("org.jclouds.blobstore.BlobStoreContext");
            Object context = contextBuilder.getMethod("build", Class.class).invoke(builder, blobStoreContextType);
            Object blobStore = blobStoreContextType.getMethod("getBlobStore").invoke(context);

            Properties settings = new Properties();
            settings.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
            settings.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            settings.setProperty("s3proxy.identity", accessKey);
            settings.setProperty("s3proxy.credential", secretKey);
            Class<?> proxyBuilderType = cl.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
            Object proxyBuilder = proxyBuilderType.getMethod("fromProperties", Properties.class).invoke(null, settings);
            proxyBuilderType.getMethod("blobStore", cl.loadClass("org.jclouds.blobstore.BlobStore"))
                    .invoke(proxyBuilder, blobStore);
            Object proxy = proxyBuilderType.getMethod("build").invoke(proxyBuilder);
            proxy.getClass().getMethod("start").invoke(proxy);
            return new StrictS3Proxy(proxy, context);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public int port() {
        try {
            return (int) proxy.getClass().getMethod("getPort").invoke(proxy);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        proxy.getClass().getMethod("stop").invoke(proxy);
        Method close = context.getClass().getMethod("close");
        close.setAccessible(true);
        close.invoke(context);
    }
}
