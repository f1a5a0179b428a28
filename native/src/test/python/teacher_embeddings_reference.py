"""Independent reference for io.rrs.pretrain.TeacherEmbeddings (numpy, float64).

Usage: teacher_embeddings_reference.py MATRIX.f32 ROWS DIM HIDDEN OUT.f32
Reads a little-endian float32 [ROWS, DIM] word-embedding matrix; writes the [ROWS, HIDDEN] table the Java class
builds for the teacher's rows: centred, projected onto the HIDDEN principal components of largest variance (each
vector's largest-magnitude component positive), scaled to unit root mean square.
"""
import sys
import numpy as np

path, rows, dim, hidden, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
e = np.fromfile(path, dtype='<f4').astype(np.float64).reshape(rows, dim)
c = e - e.mean(axis=0, keepdims=True)
if hidden < dim:
    values, vectors = np.linalg.eigh(c.T @ c / rows)
    order = np.argsort(values)[::-1][:hidden]
    v = vectors[:, order]
    signs = np.sign(v[np.argmax(np.abs(v), axis=0), np.arange(hidden)])
    p = c @ (v * signs)
else:
    p = c
p = p / np.sqrt(np.mean(p ** 2))
p.astype('<f4').tofile(out)
