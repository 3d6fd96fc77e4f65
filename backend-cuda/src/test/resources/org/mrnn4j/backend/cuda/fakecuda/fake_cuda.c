/*
 * Stand-ins for libcuda.so.1 and libnvrtc.so.12, for testing the probe without a GPU: JCuda's JNI
 * libraries load against them, JCuda's classes initialise, and the probe's driver calls reach
 * these functions. The environment chooses the driver's answers:
 *   FAKE_CUDA_INIT     the result of cuInit (default 0, CUDA_SUCCESS)
 *   FAKE_CUDA_DEVICES  the device count (default 0)
 * Nothing else is defined; the JNI libraries bind their other symbols lazily and are not called.
 */
#include <stdlib.h>
#include <string.h>

static int env(const char *name, int fallback) {
  const char *v = getenv(name);
  return v == NULL ? fallback : atoi(v);
}

#ifdef FAKE_DRIVER
int cuInit(unsigned int flags) {
  (void)flags;
  return env("FAKE_CUDA_INIT", 0);
}

int cuDeviceGetCount(int *count) {
  *count = env("FAKE_CUDA_DEVICES", 0);
  return 0;
}

int cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}

int cuDeviceGetName(char *name, int len, int device) {
  (void)device;
  strncpy(name, "Fake GPU", (size_t)len);
  return 0;
}

int cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  /* 75 = CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 76 = ..._MINOR */
  *value = attribute == 75 ? 7 : attribute == 76 ? 5 : 0;
  return 0;
}

int cuDriverGetVersion(int *version) {
  *version = 12060;
  return 0;
}
#endif

#ifdef FAKE_NVRTC
int nvrtcVersion(int *major, int *minor) {
  *major = 12;
  *minor = 6;
  return 0;
}
#endif

#ifdef FAKE_EMPTY
int fake_cuda_placeholder(void) { return 0; }
#endif
