# precompute originals, latents and linear reconstructions (s=0: no quantisation; 12, 32)
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
WORK = os.environ.get('LW_STUDY_DIR', '/tmp/lw-decoder-study'); os.makedirs(WORK, exist_ok=True)
import numpy as np, sys
from common import load, wpt, iwpt, psnr, TEST, EXTRA
from common import pca_basis
V=pca_basis(); B=V[:,:48]
SK='/usr/lib/python3/dist-packages/skimage/data/'
TR=[SK+f for f in ['rocket.jpg','hubble_deep_field.jpg','retina.jpg','ihc.png','motorcycle_left.png','motorcycle_right.png']]+EXTRA
def quant(z,s):
    if s==0: return z
    q=np.sign(z)*np.floor(np.abs(z)/s+0.35)
    return np.where(q!=0,np.sign(q)*(np.abs(q)+0.08)*s,0.0)
out={}
for tag,lst in [('tr',TR),('te',TEST)]:
    for i,p in enumerate(lst):
        im=load(p); P=wpt(im); H,W=P.shape[1:]
        z=B.T@P.reshape(192,-1)
        d={'im':im.astype(np.float32)}
        for s in (0,12,32):
            zq=quant(z,s); rec=iwpt((B@zq).reshape(192,H,W),im.shape[:2])
            d['z%d'%s]=zq.reshape(48,H,W).astype(np.float32); d['rec%d'%s]=rec.astype(np.float32)
            print(tag,p.split('/')[-1],im.shape,s,'psnr %.2f'%psnr(rec,im),flush=True)
        np.savez(WORK+'/data_%s%d.npz'%(tag,i),**d)
