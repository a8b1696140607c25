package reveal.opencl;

/**
 * An OpenCL failure: a kernel that would not build, device memory that ran out, a lost device. The message names
 * the kernel or operation, the device and the sizes involved; {@link #status()} is the OpenCL error code (0 when
 * the failure did not come from the driver).
 */
public final class OpenClException extends RuntimeException {
    private final int status;

    OpenClException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
