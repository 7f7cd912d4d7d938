import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import numpy as np, pywt, torch
from common import wpt, iwpt
Wv='bior4.4'
def analysis1d(N):
    A=np.zeros((N,N))
    for p in range(N):
        x=np.zeros(N); x[p]=1
        wp=pywt.WaveletPacket(x,Wv,mode='periodization',maxlevel=3)
        A[:,p]=np.concatenate([n.data for n in wp.get_level(3,order='natural')])
    return A
_perm=None
def node_perm():
    # k (pywt 2D natural order) -> (i,j) of 1D packets along axis0, axis1
    global _perm
    if _perm is None:
        N=64; A=analysis1d(N); n=N//8
        X=np.random.randn(N,N,3)
        P=wpt(X)[:64]            # channel 0
        Z=(A@X[:,:,0]@A.T).reshape(8,n,8,n).transpose(0,2,1,3)
        perm=[]
        for k in range(64):
            e=((Z-P[k][None,None])**2).sum((2,3)); i,j=np.unravel_index(e.argmin(),e.shape)
            assert e[i,j]<1e-18*0+1e-9, e[i,j]; perm.append(i*8+j)
        _perm=np.array(perm)
    return _perm
class WPT:
    """torch differentiable 3-level packet transform on square-ish crops (H,W multiples of 8), periodic."""
    def __init__(self,H,Wd):
        Ah=analysis1d(H); Aw=analysis1d(Wd)
        self.Ah=torch.tensor(Ah,dtype=torch.float32); self.Aw=torch.tensor(Aw,dtype=torch.float32)
        self.Sh=torch.tensor(np.linalg.inv(Ah),dtype=torch.float32); self.Sw=torch.tensor(np.linalg.inv(Aw),dtype=torch.float32)
        self.perm=torch.tensor(node_perm()); self.H=H; self.W=Wd
    def fwd(self,x):   # x (b,3,H,W) -> (b,192,H/8,W/8)
        b=x.shape[0]; h,w=self.H//8,self.W//8
        Z=self.Ah@x@self.Aw.T               # b,3,H,W
        Z=Z.reshape(b,3,8,h,8,w).permute(0,1,2,4,3,5).reshape(b,3,64,h,w)
        return Z[:,:,self.perm].reshape(b,192,h,w)
    def inv(self,P):
        b=P.shape[0]; h,w=self.H//8,self.W//8
        Z=torch.empty_like(P.reshape(b,3,64,h,w)); Z[:,:,self.perm]=P.reshape(b,3,64,h,w)
        Z=Z.reshape(b,3,8,8,h,w).permute(0,1,2,4,3,5).reshape(b,3,self.H,self.W)
        return self.Sh@Z@self.Sw.T
if __name__=='__main__':
    print(node_perm())
    H,Wd=64,128; X=np.random.randn(H,Wd,3)
    T=WPT(H,Wd); x=torch.tensor(X.transpose(2,0,1)[None],dtype=torch.float32)
    P=T.fwd(x)[0].numpy(); print('fwd err',np.abs(P-wpt(X)).max())
    print('inv err',np.abs(T.inv(T.fwd(x))[0].numpy()-X.transpose(2,0,1)).max())
    print('iwpt err',np.abs(T.inv(torch.tensor(wpt(X)[None],dtype=torch.float32))[0].numpy()-iwpt(wpt(X),(H,Wd)).transpose(2,0,1)).max())
