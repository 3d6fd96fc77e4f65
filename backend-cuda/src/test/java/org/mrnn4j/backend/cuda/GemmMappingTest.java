package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jcuda.jcublas.cublasOperation;
import org.junit.jupiter.api.Test;

/**
 * The row-major to column-major mapping of the matrix product onto cuBLAS, checked without a GPU:
 * the arguments {@link CudaBackend.Gemm} gives are fed to a reference implementation of the BLAS
 * gemm definition (column-major, as cuBLAS reads its buffers), and the result buffer read
 * row-major must be the product.
 */
class GemmMappingTest {
  /** BLAS gemm with alpha 1, beta 0: {@code C = op(X) op(Y)}, all column-major. */
  private static double[] blasGemm(int opX, int opY, int m, int n, int k, double[] x, int ldx,
      double[] y, int ldy, int ldc) {
    double[] c = new double[ldc * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int l = 0; l < k; l++) {
          double xv = opX == cublasOperation.CUBLAS_OP_N ? x[i + l * ldx] : x[l + i * ldx];
          double yv = opY == cublasOperation.CUBLAS_OP_N ? y[l + j * ldy] : y[j + l * ldy];
          s += xv * yv;
        }
        c[i + j * ldc] = s;
      }
    }
    return c;
  }

  @Test
  void cublasArgumentsGiveTheRowMajorProduct() {
    Random random = new Random(21);
    for (int[] size : new int[][] {{1, 1, 1}, {3, 4, 2}, {2, 5, 7}, {6, 1, 3}}) {
      int rows = size[0];
      int inner = size[1];
      int cols = size[2];
      double[][] x = new double[rows][inner];
      double[][] y = new double[inner][cols];
      for (double[] row : x) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextInt(19) - 9;
        }
      }
      for (double[] row : y) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextInt(19) - 9;
        }
      }
      double[] expected = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          for (int l = 0; l < inner; l++) {
            expected[i * cols + j] += x[i][l] * y[l][j];
          }
        }
      }
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          // the operands as stored: A = x or x^T, B = y or y^T, row-major
          double[][] a = ta ? transpose(x) : x;
          double[][] b = tb ? transpose(y) : y;
          CudaBackend.Gemm g = CudaBackend.Gemm.of(a.length, a[0].length, ta, b.length,
              b[0].length, tb);
          assertEquals(inner, g.k());
          double[] c = blasGemm(g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), flat(b),
              g.ldFirst(), flat(a), g.ldSecond(), g.ldc());
          assertArrayEquals(expected, c, "product " + java.util.Arrays.toString(size) + " tA="
              + ta + " tB=" + tb);
        }
      }
    }
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double[] flat(double[][] a) {
    double[] out = new double[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
    }
    return out;
  }
}
