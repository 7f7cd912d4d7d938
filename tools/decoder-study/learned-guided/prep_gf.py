# hand-made guided stage (2 iterations, r=4, eps=10) on every precomputed reconstruction
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
WORK = os.environ.get('LW_STUDY_DIR', '/tmp/lw-decoder-study'); os.makedirs(WORK, exist_ok=True)
import numpy as np, glob
from common import wpt, iwpt, psnr
from scipy.ndimage import uniform_filter
from common import pca_basis
V=pca_basis(); B=V[:,:48]
M=np.array([[0.299,0.587,0.114],[-0.1687,-0.3313,0.5],[0.5,-0.4187,-0.0813]]); Mi=np.linalg.inv(M)
f=lambda x,r: uniform_filter(x,2*r+1,mode='reflect')
def proj(rec,out):
    H,W=rec.shape[0]//8,rec.shape[1]//8
    D=wpt(out-rec).reshape(192,-1); D=D-B@(B.T@D)
    return rec+iwpt(D.reshape(192,H,W),rec.shape[:2])
def gf(rec,r=4,eps=10):
    ycc=rec@M.T; new=ycc.copy(); Y=ycc[:,:,0]
    for c in (1,2):
        p=ycc[:,:,c]; mI=f(Y,r); mp=f(p,r); a=(f(Y*p,r)-mI*mp)/(f(Y*Y,r)-mI*mI+eps); b=mp-a*mI
        new[:,:,c]=f(a,r)*Y+f(b,r)
    return new@Mi.T
if __name__=='__main__':
  for fn in sorted(glob.glob(WORK+'/data_*.npz')):
    d=dict(np.load(fn))
    for s in (0,12,32):
        rec=d['rec%d'%s].astype(np.float64); cur=rec
        for it in range(2):
            cur=proj(cur,gf(cur)); d['gf%d_%d'%(it+1,s)]=cur.astype(np.float32)
        if 'te' in fn: print(fn,s,'gain1 %+.3f gain2 %+.3f'%(psnr(d['gf1_%d'%s],d['im'])-psnr(rec,d['im']),psnr(cur,d['im'])-psnr(rec,d['im'])),flush=True)
    np.savez(fn,**d)
