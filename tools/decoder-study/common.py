# common.py — the codec's linear path re-implemented with pywt (bior4.4 = CDF 9/7, periodization,
# J = 3 full packet transform, channel order of pywt's natural node order per colour), a PCA
# basis fitted here on the training images, and PSNR; shared by the study scripts.
import numpy as np
import pywt
from PIL import Image

SK = "/usr/lib/python3/dist-packages/skimage/data/"
# the shipped decoder's training images (tools/train-decoder.sh)
TRAIN = [SK + f for f in ["rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "ihc.png",
                          "camera.png", "brick.png", "grass.png", "gravel.png"]]
# two public-domain photographs shipped by Debian's Matplotlib and SciPy
EXTRA = ["/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg", "scipy:face"]
TEST = ["../shared/data/images/" + f for f in ["astronaut.png", "chelsea.png", "coffee.png"]]
J = 3


def load(path):
    """RGB, cropped to multiples of 8, centred 8-bit units"""
    if path == "scipy:face":
        import scipy.misc
        im = np.asarray(scipy.misc.face(), dtype=np.float64)
    else:
        im = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
    h, w = im.shape[0] // 8 * 8, im.shape[1] // 8 * 8
    return im[:h, :w] - 128.0


def wpt(im):
    """H×W×3 → 192 × H/8 × W/8"""
    chans = []
    for c in range(3):
        wp = pywt.WaveletPacket2D(im[:, :, c], "bior4.4", mode="periodization", maxlevel=J)
        chans += [n.data for n in wp.get_level(J, order="natural")]
    return np.stack(chans)


def iwpt(P, shape):
    out = np.zeros(shape + (3,))
    for c in range(3):
        wp = pywt.WaveletPacket2D(np.zeros(shape), "bior4.4", mode="periodization", maxlevel=J)
        for k, n in enumerate(wp.get_level(J, order="natural")):
            wp[n.path] = P[c * 64 + k]
        out[:, :, c] = wp.reconstruct(update=False)[: shape[0], : shape[1]]
    return out


def psnr(rec, ref, border=0):
    a = np.clip(np.round(rec + 128), 0, 255)
    b = ref + 128
    if border:
        a, b = a[border:-border, border:-border], b[border:-border, border:-border]
    return 10 * np.log10(255 ** 2 / np.mean((a - b) ** 2))


def pca_basis(paths=TRAIN):
    """192 × 192, eigenvectors of the packet vectors' second moments as columns, descending"""
    X = np.concatenate([wpt(load(p)).reshape(192, -1) for p in paths], 1)
    return np.linalg.eigh(X @ X.T / X.shape[1])[1][:, ::-1]
